package org.cytotriage.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A request's head written by hand, with no body after it, as a client that waits for "100
 * Continue" sends it; returns the whole answer as text. JDK 17's HttpClient cannot be used for
 * this: given a final answer instead of 100 Continue, it kept waiting.
 */
public final class RawHttp {

    private RawHttp() {
    }

    public static String postHeadOnly(URI uri, Map<String, String> headers) throws IOException {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nExpect: 100-continue\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            OutputStream out = socket.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // The server closes the connection after a refusal it sends before the body.
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
