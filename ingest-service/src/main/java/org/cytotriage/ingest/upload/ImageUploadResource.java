package org.cytotriage.ingest.upload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.regex.Pattern;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.cytotriage.ingest.validation.InvalidImageException;
import org.cytotriage.support.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Upload of one microscope image for a case, as multipart form data (workstations) or as the raw
 * bytes (scanners). 202 means stored and on Kafka; the prediction follows asynchronously.
 */
@Path("/api/v1/cases/{caseId}/images")
@Produces(MediaType.APPLICATION_JSON)
public class ImageUploadResource {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final IngestService ingest;

    ImageUploadResource(IngestService ingest) {
        this.ingest = ingest;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Upload an image as multipart form data (field 'image', plus 'hospitalId')")
    @APIResponse(responseCode = "202", description = "Stored and published; the prediction follows")
    @APIResponse(responseCode = "200", description = "These bytes were already accepted for this case; nothing new published")
    @APIResponse(responseCode = "415", description = "Not a JPEG, PNG or TIFF image (problem+json)")
    @APIResponse(responseCode = "422", description = "A damaged or out-of-bounds image, or a missing field (problem+json)")
    public RestResponse<IngestService.Receipt> uploadMultipart(@PathParam("caseId") String caseId, @RestForm("hospitalId") String hospitalId,
            @RestForm("image") FileUpload image) {
        if (image == null) {
            throw unprocessable("missing-image", "the multipart field 'image' is missing");
        }
        return accept(caseId, hospitalId, read(image), image.fileName());
    }

    @POST
    @Consumes({"image/jpeg", "image/png", "image/tiff", MediaType.APPLICATION_OCTET_STREAM})
    @Operation(summary = "Upload an image as the raw request body; the hospital is named in the X-Hospital-Id header")
    @APIResponse(responseCode = "202", description = "Stored and published; the prediction follows")
    public RestResponse<IngestService.Receipt> uploadRaw(@PathParam("caseId") String caseId, @HeaderParam("X-Hospital-Id") String hospitalId, byte[] body) {
        return accept(caseId, hospitalId, body, null);
    }

    /**
     * Returns a typed {@link RestResponse}, not a {@link Response}: the receipt's JSON writer is then
     * chosen once at build time instead of looked up for every upload (the lookup showed in a JFR
     * profile of ingest at saturation, docs/benchmarks.md).
     */
    private RestResponse<IngestService.Receipt> accept(String caseId, String hospitalId, byte[] bytes, String fileName) {
        requireId("caseId", caseId);
        requireId("hospitalId", hospitalId);
        try {
            IngestService.Receipt receipt = ingest.accept(new IngestService.Upload(caseId, hospitalId, bytes, fileName, "http"));
            return RestResponse.status(receipt.published() ? RestResponse.Status.ACCEPTED : RestResponse.Status.OK, receipt);
        } catch (InvalidImageException e) {
            throw e.unsupportedType()
                    ? new ProblemException(Response.Status.UNSUPPORTED_MEDIA_TYPE.getStatusCode(), "unsupported-image", "Unsupported image", e.getMessage())
                    : unprocessable("invalid-image", e.getMessage());
        }
    }

    private static void requireId(String name, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw unprocessable("invalid-" + name, name + " must be 1-64 letters, digits, '.', '_' or '-' (got '" + value + "')");
        }
    }

    private static ProblemException unprocessable(String type, String detail) {
        return new ProblemException(ProblemException.UNPROCESSABLE, type, "Image not accepted", detail);
    }

    private static byte[] read(FileUpload upload) {
        try {
            return Files.readAllBytes(upload.uploadedFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
