package org.cytotriage.audit.database;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.cytotriage.support.problem.Problem;
import org.cytotriage.support.problem.ProblemException;
import org.hibernate.JDBCException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * While the database is away ({@link DatabaseAway}), API calls get a 503 problem saying so; any other
 * database error is a 500 problem that names no SQL (the log has it), not a bare 500.
 */
public class DatabaseUnavailableMapper {

    private static final int RETRY_AFTER_SECONDS = 5;
    private static final Logger LOG = Logger.getLogger(DatabaseUnavailableMapper.class);
    private static final DatabaseAway AWAY = new DatabaseAway();

    @ServerExceptionMapper
    public Response toResponse(JDBCException exception, UriInfo uri) {
        if (!AWAY.test(exception)) {
            // Not the path: it may hold a case id, which logs never carry (support.pseudonym).
            LOG.error("database error answering an API call", exception);
            ProblemException problem = new ProblemException(Response.Status.INTERNAL_SERVER_ERROR.getStatusCode(), "database-error",
                    "Database error", "The audit database refused the change; nothing was changed.");
            return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem.toProblem(uri.getPath())).build();
        }
        ProblemException problem = new ProblemException(Response.Status.SERVICE_UNAVAILABLE.getStatusCode(), "database-unavailable",
                "Database unavailable", "The audit database cannot be reached; nothing was changed. Try again shortly.");
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .entity(problem.toProblem(uri.getPath())).build();
    }
}
