package io.eventbackbone.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1.1 request or response with its body read in full (by Content-Length, or de-chunked and then
 * given a Content-Length), for loopback proxies that tests and benchmarks put in front of the emulators.
 */
public final class HttpMessage {
    private final String startLine;
    private final List<String> headerLines;
    private final byte[] body;

    public HttpMessage(String startLine, List<String> headerLines, byte[] body) {
        this.startLine = startLine;
        this.headerLines = headerLines;
        this.body = body;
    }

    /** The request line or the status line. */
    public String startLine() {
        return startLine;
    }

    public byte[] body() {
        return body;
    }

    /** The value of the first header of that name (case-insensitive), or null. */
    public String header(String name) {
        for (String line : headerLines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /**
     * The same message with another body: its Content-Length follows, and the headers named in
     * {@code replaced} are set to the values given with them (added when absent).
     */
    public HttpMessage withBody(byte[] newBody, String... replaced) {
        List<String> headers = new ArrayList<>();
        List<String> names = new ArrayList<>(List.of("content-length"));
        for (int i = 0; i < replaced.length; i += 2) {
            names.add(replaced[i].toLowerCase(Locale.ROOT));
        }
        for (String line : headerLines) {
            int colon = line.indexOf(':');
            if (colon <= 0 || !names.contains(line.substring(0, colon).trim().toLowerCase(Locale.ROOT))) {
                headers.add(line);
            }
        }
        for (int i = 0; i < replaced.length; i += 2) {
            headers.add(replaced[i] + ": " + replaced[i + 1]);
        }
        headers.add("Content-Length: " + newBody.length);
        return new HttpMessage(startLine, headers, newBody);
    }

    /** The next message on the stream; null at a clean end of the stream before one. */
    public static HttpMessage read(InputStream in) throws IOException {
        String start = line(in);
        if (start == null) {
            return null;
        }
        List<String> headers = new ArrayList<>();
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            headers.add(h);
        }
        HttpMessage head = new HttpMessage(start, headers, new byte[0]);
        String encoding = head.header("transfer-encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
                body.write(in.readNBytes(size));
                line(in);
            }
            for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
                // Neither the SDKs nor the emulators send trailers.
            }
            headers.removeIf(h -> h.toLowerCase(Locale.ROOT).startsWith("transfer-encoding:"));
            headers.add("Content-Length: " + body.size());
            return new HttpMessage(start, headers, body.toByteArray());
        }
        String length = head.header("content-length");
        return new HttpMessage(start, headers, length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length)));
    }

    /** Writes the message in one flush, so that head and body leave in as few segments as possible. */
    public void writeTo(OutputStream out) throws IOException {
        StringBuilder head = new StringBuilder(startLine).append("\r\n");
        for (String h : headerLines) {
            head.append(h).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private static int chunkSize(InputStream in) throws IOException {
        return Integer.parseInt(line(in).split(";")[0].trim(), 16);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int n = s.length();
                return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
            }
            s.append((char) c);
        }
        return s.length() == 0 ? null : s.toString();
    }
}
