package org.cytotriage.ingest.upload;

import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.cytotriage.ingest.availability.Availability;
import org.cytotriage.ingest.availability.UnavailableException;
import org.cytotriage.ingest.dicom.StowResource;
import org.cytotriage.ingest.validation.ImageLimits;
import org.cytotriage.ingest.validation.InvalidImageException;
import org.cytotriage.support.problem.Problem;
import org.cytotriage.support.problem.ProblemException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.quarkus.vertx.http.runtime.VertxHttpRecorder;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The door every upload comes through, before its body is read: ahead of Quarkus's own body limit
 * (which would answer a bare 413) and of the REST layer. A body declared larger than the one upload
 * limit gets the 413 problem the validator gives; beyond
 * {@link Availability#maxUploadsInFlight()} uploads at once, the next is answered 503 with a
 * Retry-After, so a burst of large uploads queues at the senders instead of filling the heap, the
 * worker threads or the image store's volume.
 */
@ApplicationScoped
public class UploadAdmission {

    private final Semaphore inFlight;
    private final int maxInFlight;
    private final long maxBytes;
    private final Availability availability;
    private final ObjectMapper json;

    UploadAdmission(Availability availability, ImageLimits limits, ObjectMapper json, MeterRegistry metrics) {
        this.maxInFlight = availability.maxUploadsInFlight();
        this.inFlight = new Semaphore(maxInFlight);
        Gauge.builder("cytotriage.ingest.uploads.in.flight", inFlight, permits -> maxInFlight - permits.availablePermits())
                .description("Uploads admitted and not yet answered (at most cytotriage.ingest.availability.max-uploads-in-flight)")
                .register(metrics);
        this.maxBytes = limits.maxBytes().asLongValue();
        this.availability = availability;
        this.json = json;
    }

    void register(@Observes Router router) {
        String path = ImageUploadResource.PATH.replace("{caseId}", ":caseId");
        router.post(path).order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::admit);
        // A STOW-RS request is a body of instances, each taken the upload's way: it is counted as an upload.
        router.postWithRegex(StowResource.PATH + "(/[^/]+)?").order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::admit);
        // Quarkus's own limit counts a body sent without its length as it arrives, and answers a
        // bare 413. A raw body is counted by IngestService instead, which answers the 413 problem;
        // a multipart body keeps Quarkus's count, as its parser writes it to disk before our code runs.
        router.post(path).order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT + 1).handler(context -> {
            if (!isMultipart(context.request())) {
                context.remove(VertxHttpRecorder.MAX_REQUEST_SIZE_KEY);
            }
            context.next();
        });
    }

    private void admit(RoutingContext context) {
        long declared = declaredLength(context.request());
        if (declared > maxBytes) {
            // As Quarkus's own limit does: answer at once and close, rather than read a body nobody keeps.
            refuseAndClose(context, InvalidImageException.tooLarge(declared, maxBytes));
        } else if (!inFlight.tryAcquire()) {
            refuse(context, UnavailableException.unavailable("too-many-uploads", "ingest is taking " + maxInFlight
                    + " uploads at once already; send this one again after Retry-After"));
        } else {
            AtomicBoolean released = new AtomicBoolean();
            context.addEndHandler(done -> {
                if (released.compareAndSet(false, true)) {
                    inFlight.release();
                }
            });
            context.next();
        }
    }

    /**
     * Reads what the sender is still sending and drops it, then answers: most clients read the
     * answer only once their body is out, and would see a reset connection instead of the 503. A
     * sender waiting for "100 Continue" sends no body, so it is answered at once.
     */
    private void refuse(RoutingContext context, UnavailableException busy) {
        HttpServerRequest request = context.request();
        context.response().putHeader(HttpHeaders.RETRY_AFTER, availability.retryAfterSeconds());
        if (request.isEnded()) {
            send(context, busy);
        } else if (HttpHeaders.CONTINUE.toString().equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            refuseAndClose(context, busy);
        } else {
            request.handler(dropped -> {
            });
            request.endHandler(ended -> send(context, busy));
            request.resume();
        }
    }

    private void refuseAndClose(RoutingContext context, ProblemException problem) {
        context.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        context.response().endHandler(ended -> context.request().connection().close());
        send(context, problem);
    }

    private void send(RoutingContext context, ProblemException problem) {
        try {
            context.response().setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .end(json.writeValueAsString(problem.toProblem(context.request().path())));
        } catch (JsonProcessingException e) {
            context.fail(e);
        }
    }

    private static boolean isMultipart(HttpServerRequest request) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
    }

    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1; // Quarkus and Vert.x answer a malformed length themselves
        }
    }
}
