package org.resnet4j.serving.http;

/** The query of {@code POST /v1/classify}: nothing, or {@code top=k} for the k most probable classes. */
final class TopQuery {
    static final int DEFAULT_TOP = 5;

    private TopQuery() {
    }

    /**
     * @param rawQuery the URI's query, or null
     * @throws IllegalArgumentException with a message for the client (it never repeats the query)
     */
    static int parse(String rawQuery, int classes) {
        int fallback = Math.min(DEFAULT_TOP, classes);
        if (rawQuery == null || rawQuery.isEmpty()) {
            return fallback;
        }
        String[] parts = rawQuery.split("&", -1);
        if (parts.length != 1 || !parts[0].startsWith("top=")) {
            throw new IllegalArgumentException("the only query parameter is top=k, k from 1 to " + classes);
        }
        String value = parts[0].substring("top=".length());
        // Digits only, at most 9 of them: no sign, no overflow, nothing for parseInt to interpret.
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("top must be a whole number from 1 to " + classes);
        }
        int top = Integer.parseInt(value);
        if (top < 1 || top > classes) {
            throw new IllegalArgumentException("top must be from 1 to " + classes + ", the model's classes");
        }
        return top;
    }
}
