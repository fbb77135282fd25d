package org.cytotriage.support.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An RFC 9457 problem detail: what went wrong, in words a caller can act on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
