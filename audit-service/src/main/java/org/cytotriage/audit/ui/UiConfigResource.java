package org.cytotriage.audit.ui;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** What the pages served by audit-service need to know about the rest of the system. */
@Path("/api/v1/ui/config")
@Produces(MediaType.APPLICATION_JSON)
public class UiConfigResource {

    /** {@code ingestUrl}: where the worklist's upload form posts images (ingest-service, which allows this origin). */
    public record UiConfig(String ingestUrl, String label) {
    }

    private final String ingestUrl;

    UiConfigResource(@ConfigProperty(name = "cytotriage.audit.ui.ingest-url") String ingestUrl) {
        this.ingestUrl = ingestUrl;
    }

    @GET
    @Operation(summary = "Settings of the workstation pages")
    public UiConfig config() {
        return new UiConfig(ingestUrl, "Demo models trained on synthetic images: NOT FOR CLINICAL USE");
    }
}
