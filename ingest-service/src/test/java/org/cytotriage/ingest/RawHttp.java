package org.cytotriage.ingest;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * HTTP/1.1 requests written by hand, for what a client library does not let a test control: a
 * request's head sent with no body after it (a client waiting for "100 Continue"; JDK 17's
 * HttpClient, given a final answer instead, kept waiting), or an upload stopped halfway, exactly
 * where the test says.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** Sends the head of a POST that expects 100 Continue, and no body; the whole answer as text. */
    public static String postHeadOnly(URI uri, Map<String, String> headers) throws IOException {
        try (Socket socket = connect(uri)) {
            socket.getOutputStream().write(head(uri, headers, "Expect: 100-continue\r\n"));
            // The server closes the connection after a refusal it sends before the body.
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Sends the head of a POST of {@code body} and its first {@code sent} bytes; {@link HeldUpload#finish()} sends the rest. */
    public static HeldUpload startPost(URI uri, Map<String, String> headers, byte[] body, int sent) throws IOException {
        Socket socket = connect(uri);
        socket.getOutputStream().write(head(uri, headers, "Content-Length: " + body.length + "\r\nConnection: close\r\n"));
        socket.getOutputStream().write(body, 0, sent);
        socket.getOutputStream().flush();
        return new HeldUpload(socket, Arrays.copyOfRange(body, sent, body.length));
    }

    /** An upload in flight: its head and part of its body are sent. */
    public static final class HeldUpload implements AutoCloseable {

        private final Socket socket;
        private final byte[] rest;

        private HeldUpload(Socket socket, byte[] rest) {
            this.socket = socket;
            this.rest = rest;
        }

        /** Sends the rest of the body; the whole answer as text. */
        public String finish() throws IOException {
            socket.getOutputStream().write(rest);
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static Socket connect(URI uri) throws IOException {
        Socket socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static byte[] head(URI uri, Map<String, String> headers, String more) {
        StringBuilder head = new StringBuilder("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return head.append(more).append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }
}
