package org.cytotriage.audit.database;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.cytotriage.support.problem.Problem;
import org.cytotriage.support.problem.ProblemException;
import org.hibernate.exception.JDBCConnectionException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** While the database cannot be reached, API calls get a 503 problem saying so, not a bare 500. */
public class DatabaseUnavailableMapper {

    private static final int RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response toResponse(JDBCConnectionException exception, UriInfo uri) {
        ProblemException problem = new ProblemException(Response.Status.SERVICE_UNAVAILABLE.getStatusCode(), "database-unavailable",
                "Database unavailable", "The audit database cannot be reached; nothing was changed. Try again shortly.");
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .entity(problem.toProblem(uri.getPath())).build();
    }
}
