package org.resnet4j.serving.http;

/** Every way a request can fail, with its status and the label it has in the answer and in the metrics. */
enum ErrorKind {
    EMPTY("empty", 400),
    NOT_AN_IMAGE("not_an_image", 415),
    CORRUPT_IMAGE("corrupt_image", 400),
    WRONG_SIZE("wrong_size", 422),
    TOO_LARGE("too_large", 413),
    UNREADABLE_BODY("unreadable_body", 400),
    BAD_QUERY("bad_query", 400),
    NOT_FOUND("not_found", 404),
    METHOD_NOT_ALLOWED("method_not_allowed", 405),
    QUEUE_FULL("queue_full", 503),
    SHUTTING_DOWN("shutting_down", 503),
    TIMEOUT("timeout", 503),
    INTERNAL("internal", 500),
    /**
     * The connection failed before the server had an answer for it: nothing is answered. One that fails while its
     * answer is sent is counted under that answer's status alone.
     */
    ABORTED("aborted", -1);

    private final String label;
    private final int status;

    ErrorKind(String label, int status) {
        this.label = label;
        this.status = status;
    }

    String label() {
        return label;
    }

    int status() {
        return status;
    }
}
