package org.cytotriage.support.problem;

/** Thrown by resources to answer with a problem+json body. */
public class ProblemException extends RuntimeException {

    public static final int UNPROCESSABLE = 422;

    private final int status;
    private final String type;
    private final String title;

    /**
     * @param type a short slug, published as {@code urn:cytotriage:problem:<type>}
     * @param detail what went wrong with this request, in words the caller can act on
     */
    public ProblemException(int status, String type, String title, String detail) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    public Problem toProblem(String instance) {
        return new Problem("urn:cytotriage:problem:" + type, title, status, getMessage(), instance);
    }

    public int status() {
        return status;
    }
}
