package org.cytotriage.ingest.dicom;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.cytotriage.ingest.availability.UnavailableException;
import org.cytotriage.ingest.upload.IngestService;
import org.cytotriage.ingest.validation.ImageLimits;
import org.cytotriage.support.identity.Caller;
import org.cytotriage.support.identity.Roles;
import org.cytotriage.support.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.logging.Logger;

/**
 * DICOMweb STOW-RS (PS3.18 10.5): a PACS or modality stores DICOM instances, each an image of the
 * case its Accession Number names (or {@link DicomConfig#caseAttribute()}). Every instance takes the
 * upload's own path ({@link IngestService#accept}: the same validation, image id and once-only
 * publication), with its Study, Series and SOP Instance UIDs on the event. The body is read part by
 * part as it arrives (mime4j's streaming parser), one instance in memory at a time, bounded by the
 * upload limit; a part that cannot be used fails alone, with its DICOM failure reason, and the
 * others are stored. Kafka, the registry or the image store away fails the request (503, as an
 * upload): a PACS sends the study again, and what was stored before is not published twice.
 */
@Path(StowResource.PATH)
@RolesAllowed(Roles.PACS)
@APIResponse(responseCode = "401", description = "No valid token")
@APIResponse(responseCode = "403", description = "Not a PACS account, or the hospital named is not the caller's (problem+json)")
@APIResponse(responseCode = "503", description = "Kafka, the schema registry or the image store is away; send again after Retry-After "
        + "(problem+json)")
public class StowResource {

    public static final String PATH = "/dicomweb/studies";
    static final String DICOM_JSON = "application/dicom+json";
    private static final String DICOM = "application/dicom";
    private static final String SOURCE = "dicomweb";
    private static final Logger LOG = Logger.getLogger(StowResource.class);

    private final IngestService ingest;
    private final Caller caller;
    private final int caseTag;
    private final long maxBytes;

    StowResource(IngestService ingest, Caller caller, DicomConfig config, ImageLimits limits) {
        this.ingest = ingest;
        this.caller = caller;
        this.caseTag = config.caseTag();
        this.maxBytes = limits.maxBytes().asLongValue();
    }

    @POST
    @Consumes("multipart/related")
    @Produces(DICOM_JSON)
    @Operation(summary = "Store DICOM instances (multipart/related; type=\"application/dicom\"), each an image of the case named by its "
            + "Accession Number; '?hospital=' chooses among the caller's hospitals")
    @APIResponse(responseCode = "200", description = "Every instance stored (DICOM JSON: Referenced SOP Sequence)")
    @APIResponse(responseCode = "202", description = "Some instances stored, some failed (DICOM JSON: Referenced and Failed SOP Sequences, "
            + "each failure with its Failure Reason and an Error Comment)")
    @APIResponse(responseCode = "409", description = "No instance stored (DICOM JSON: Failed SOP Sequence)")
    @APIResponse(responseCode = "415", description = "Not multipart/related of application/dicom parts (problem+json)")
    public Response store(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, @QueryParam("hospital") String hospital, InputStream body) {
        return store(contentType, hospital, null, body);
    }

    @POST
    @Path("{study}")
    @Consumes("multipart/related")
    @Produces(DICOM_JSON)
    @Operation(summary = "Store DICOM instances of one study: an instance of another study fails (A900)")
    @APIResponse(responseCode = "200", description = "Every instance stored (DICOM JSON)")
    @APIResponse(responseCode = "202", description = "Some instances stored, some failed (DICOM JSON)")
    @APIResponse(responseCode = "409", description = "No instance stored (DICOM JSON)")
    @APIResponse(responseCode = "415", description = "Not multipart/related of application/dicom parts (problem+json)")
    public Response storeToStudy(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, @PathParam("study") String study,
            @QueryParam("hospital") String hospital, InputStream body) {
        return store(contentType, hospital, study, body);
    }

    private Response store(String contentType, String hospital, String study, InputStream body) {
        requireDicomParts(contentType);
        String hospitalId = caller.hospitalFor(hospital);
        StowResponse response = new StowResponse();
        MimeTokenStream parts = new MimeTokenStream(MimeConfig.PERMISSIVE);
        parts.parseHeadless(body, contentType);
        try {
            for (EntityState state = parts.getState(); state != EntityState.T_END_OF_STREAM; state = parts.next()) {
                if (state == EntityState.T_BODY) {
                    String partType = parts.getBodyDescriptor().getMimeType();
                    try (InputStream part = parts.getDecodedInputStream()) {
                        store(hospitalId, study, partType, part, response);
                    }
                }
            }
        } catch (MimeException e) {
            throw new ProblemException(400, "invalid-multipart", "Not a multipart body", "the multipart/related body cannot be read: "
                    + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the STOW-RS body", e);
        }
        if (response.isEmpty()) {
            throw new ProblemException(400, "no-instances", "No instances", "the multipart/related body holds no part");
        }
        return Response.status(response.status()).type(DICOM_JSON).entity(response.json()).build();
    }

    /** One part: read, made an image, and taken the upload's way; or failed, with its reason. */
    private void store(String hospitalId, String study, String partType, InputStream part, StowResponse response) throws IOException {
        if (!DICOM.equalsIgnoreCase(partType)) {
            failed(response, null, DicomRefusal.CANNOT_UNDERSTAND, "a part of type " + partType + ", not " + DICOM);
            return;
        }
        byte[] file = part.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
        if (file.length > maxBytes) {
            failed(response, null, DicomRefusal.OUT_OF_RESOURCES, "larger than the upload limit of " + maxBytes + " bytes");
            return;
        }
        DicomInstance.Identity named = null;
        try {
            DicomInstance instance = DicomReader.read(file);
            named = instance.identity();
            if (study != null && !study.equals(named.studyInstanceUid())) {
                throw DicomRefusal.doesNotMatch("of study " + named.studyInstanceUid() + ", sent to study " + study);
            }
            String caseId = instance.attribute(caseTag);
            if (caseId == null || caseId.isEmpty()) {
                throw DicomRefusal.doesNotMatch("no " + DicomReader.tag(caseTag) + " (Accession Number unless configured otherwise): "
                        + "the case the image belongs to");
            }
            ingest.accept(new IngestService.Upload(caseId, hospitalId, named.sopInstanceUid() + ".dcm", SOURCE,
                    named), new ByteArrayInputStream(instance.image().bytes()));
            response.stored(named);
        } catch (DicomRefusal refusal) {
            failed(response, refusal.identity() != null ? refusal.identity() : named, refusal.reason(), refusal.getMessage());
        } catch (UnavailableException away) {
            throw away;
        } catch (ProblemException refused) {
            // What an upload of the same image would be told (damaged, too large, an id it may not hold).
            failed(response, named, DicomRefusal.PROCESSING_FAILURE, refused.getMessage());
        }
    }

    private static void failed(StowResponse response, DicomInstance.Identity instance, int reason, String why) {
        LOG.infof("STOW-RS instance %s not stored (failure reason %04X): %s", instance == null ? "(unnamed)" : instance.sopInstanceUid(),
                reason, why);
        response.failed(instance, reason, why);
    }

    private static void requireDicomParts(String contentType) {
        MediaType type;
        try {
            type = contentType == null ? null : MediaType.valueOf(contentType);
        } catch (IllegalArgumentException e) {
            type = null;
        }
        if (type == null || !DICOM.equalsIgnoreCase(type.getParameters().get("type"))) {
            throw new ProblemException(415, "unsupported-media-type", "Not DICOM instances",
                    "STOW-RS here takes multipart/related; type=\"application/dicom\" (whole Part 10 files), not " + contentType);
        }
        if (type.getParameters().get("boundary") == null) {
            throw new ProblemException(400, "invalid-multipart", "Not a multipart body", "the Content-Type names no boundary");
        }
    }
}
