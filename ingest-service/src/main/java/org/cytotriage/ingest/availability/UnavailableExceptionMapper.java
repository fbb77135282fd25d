package org.cytotriage.ingest.availability;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.cytotriage.core.imagestore.ImageStoreException;
import org.cytotriage.support.problem.Problem;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The problem+json of an upload that cannot be taken now, with a Retry-After. More specific than
 * service-support's ProblemExceptionMapper, so it is the one chosen for these.
 */
public class UnavailableExceptionMapper {

    private static final Logger LOG = Logger.getLogger(UnavailableExceptionMapper.class);

    private final Availability availability;

    UnavailableExceptionMapper(Availability availability) {
        this.availability = availability;
    }

    @ServerExceptionMapper
    public Response toResponse(UnavailableException exception, UriInfo uri) {
        return Response.status(exception.status())
                .type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.RETRY_AFTER, availability.retryAfterSeconds())
                .entity(exception.toProblem(uri.getPath()))
                .build();
    }

    /** The store's own words name its paths: they go to the log, the sender gets what to do. */
    @ServerExceptionMapper
    public Response toResponse(ImageStoreException exception, UriInfo uri) {
        LOG.warnf("upload refused: %s", exception.getMessage());
        return toResponse(exception.outOfSpace()
                ? UnavailableException.storeFull("the image store's volume is full; send the image again after Retry-After")
                : UnavailableException.unavailable("image-store-unavailable",
                        "the image store cannot be written now; send the image again after Retry-After"), uri);
    }
}
