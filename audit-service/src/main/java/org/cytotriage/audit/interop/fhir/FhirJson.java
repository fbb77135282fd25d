package org.cytotriage.audit.interop.fhir;

import jakarta.enterprise.context.ApplicationScoped;

import org.hl7.fhir.instance.model.api.IBaseResource;

import ca.uhn.fhir.context.FhirContext;

/** FHIR R4's JSON: one context per service, as HAPI's context is costly to build and safe to share. */
@ApplicationScoped
public class FhirJson {

    /** FHIR's JSON media type (R4 http.html#mime-type). */
    public static final String MEDIA_TYPE = "application/fhir+json";

    private final FhirContext context = FhirContext.forR4();

    public String encode(IBaseResource resource) {
        return context.newJsonParser().encodeResourceToString(resource);
    }
}
