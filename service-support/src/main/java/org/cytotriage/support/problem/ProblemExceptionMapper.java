package org.cytotriage.support.problem;

import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns {@link ProblemException} into an {@code application/problem+json} response. */
public class ProblemExceptionMapper {

    @ServerExceptionMapper
    public Response toResponse(ProblemException exception, @Context UriInfo uri) {
        return Response.status(exception.status())
                .type(Problem.MEDIA_TYPE)
                .entity(exception.toProblem(uri.getPath()))
                .build();
    }
}
