package org.cytotriage.ingest.upload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.cytotriage.support.identity.Caller;
import org.cytotriage.support.identity.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Upload of one microscope image for a case, as multipart form data (workstations) or as the raw
 * bytes (scanners). 202 means stored and on Kafka; the prediction follows asynchronously. Neither
 * form is held in memory: a multipart file lies in Quarkus's upload directory (removed at the end
 * of the request), a raw body is read as a stream, and both are copied to the image store's
 * staging file as they are read. The hospital is the caller's (a scanner's account belongs to one); a
 * request may name it, and naming another is refused.
 */
@Path(ImageUploadResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.SCANNER, Roles.CYTOPATHOLOGIST})
@APIResponse(responseCode = "401", description = "No valid token")
@APIResponse(responseCode = "403", description = "Not a scanner or cytopathologist, or the hospital named is not the caller's (problem+json)")
@APIResponse(responseCode = "413", description = "Larger than the upload limit (problem+json)")
@APIResponse(responseCode = "503", description = "Kafka, the schema registry or the image store is away, or too many uploads are in flight; "
        + "send it again after Retry-After (problem+json)")
@APIResponse(responseCode = "507", description = "The image store is full; send it again after Retry-After (problem+json)")
public class ImageUploadResource {

    static final String PATH = "/api/v1/cases/{caseId}/images";

    private final IngestService ingest;
    private final Caller caller;

    ImageUploadResource(IngestService ingest, Caller caller) {
        this.ingest = ingest;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Upload an image as multipart form data (field 'image'; 'hospitalId' optional, one of the caller's)")
    @APIResponse(responseCode = "202", description = "Stored and published; the prediction follows")
    @APIResponse(responseCode = "200", description = "These bytes were already accepted for this case; nothing new published")
    @APIResponse(responseCode = "415", description = "Not a JPEG, PNG or TIFF image (problem+json)")
    @APIResponse(responseCode = "422", description = "A damaged or out-of-bounds image, a missing field, or an id or file name "
            + "that is too long or holds characters it may not (problem+json)")
    public RestResponse<IngestService.Receipt> uploadMultipart(@PathParam("caseId") String caseId, @RestForm("hospitalId") String hospitalId,
            @RestForm("image") FileUpload image) {
        IngestService.Upload upload = new IngestService.Upload(caseId, caller.hospitalFor(hospitalId), image == null ? null : image.fileName(), "http");
        if (image == null) {
            throw UploadFields.refused("missing-image", "the multipart field 'image' is missing");
        }
        try (InputStream content = Files.newInputStream(image.uploadedFile())) {
            return accept(upload, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the multipart upload back", e);
        }
    }

    @POST
    @Consumes({"image/jpeg", "image/png", "image/tiff", MediaType.APPLICATION_OCTET_STREAM})
    @Operation(summary = "Upload an image as the raw request body; the hospital is the caller's (X-Hospital-Id may name one of them)")
    @APIResponse(responseCode = "202", description = "Stored and published; the prediction follows")
    public RestResponse<IngestService.Receipt> uploadRaw(@PathParam("caseId") String caseId, @HeaderParam("X-Hospital-Id") String hospitalId,
            InputStream body) {
        return accept(new IngestService.Upload(caseId, caller.hospitalFor(hospitalId), null, "http"), body);
    }

    /**
     * Returns a typed {@link RestResponse}, not a {@link Response}: the receipt's JSON writer is then
     * chosen once at build time instead of looked up for every upload (the lookup showed in a JFR
     * profile of ingest at saturation, docs/benchmarks.md).
     */
    private RestResponse<IngestService.Receipt> accept(IngestService.Upload upload, InputStream content) {
        IngestService.Receipt receipt = ingest.accept(upload, content);
        return RestResponse.status(receipt.published() ? RestResponse.Status.ACCEPTED : RestResponse.Status.OK, receipt);
    }
}
