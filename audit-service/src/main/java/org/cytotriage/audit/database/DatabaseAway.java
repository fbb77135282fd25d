package org.cytotriage.audit.database;

import java.sql.SQLException;
import java.util.function.Predicate;

import org.hibernate.exception.JDBCConnectionException;

/**
 * Whether a failure means the database is away for now rather than that the statement was wrong:
 * the connection could not be had or was lost (Hibernate's {@link JDBCConnectionException}, SQLState
 * class 08), or the server ended the session on its way down or is not yet taking one (class 57P:
 * admin_shutdown, crash_shutdown, cannot_connect_now). A PostgreSQL killed mid-statement answers
 * 57P01, which Hibernate reports as a generic JDBC error; the fault drills saw audit's prediction
 * channel stop on it until this was counted as "away".
 */
public final class DatabaseAway implements Predicate<Throwable> {

    @Override
    public boolean test(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof JDBCConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }
}
