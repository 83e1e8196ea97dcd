/**
 * The predictor over HTTP with the JDK's own server ({@code com.sun.net.httpserver}): {@code POST /v1/classify},
 * {@code GET /healthz}, {@code GET /metrics} (Prometheus text), limits on every request, graceful shutdown.
 */
package org.resnet4j.serving.http;
