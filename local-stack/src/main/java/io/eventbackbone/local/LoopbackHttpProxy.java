package io.eventbackbone.local;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP/1.1 proxy on a loopback port in front of an emulator, for clients that cannot be instrumented
 * from outside (a Flink job's own AWS clients): each request goes to an {@link Exchange}, which relays it
 * upstream, answers it itself, or both looks at and relays it.
 *
 * <p>One upstream connection per client connection, requests and responses alternating (HTTP/1.1 without
 * pipelining, as the SDKs speak it), TCP_NODELAY on both sides: a relay that wrote headers and body in two
 * segments would add the 40 ms of Nagle's algorithm meeting delayed ACKs to every request.
 */
public final class LoopbackHttpProxy implements AutoCloseable {

    /** Answers one request. */
    public interface Exchange {
        /** @return the response for the client; null closes the connection */
        HttpMessage answer(HttpMessage request, Upstream upstream) throws IOException;
    }

    /** The emulator, over this client connection's own upstream connection. */
    public interface Upstream {
        /** @return the emulator's response, or null when it closed the connection */
        HttpMessage send(HttpMessage request) throws IOException;
    }

    private final ServerSocket server;
    private final URI target;
    private final Exchange exchange;
    private final ExecutorService connections;

    private LoopbackHttpProxy(URI target, String threadName, Exchange exchange) throws IOException {
        this.target = target;
        this.exchange = exchange;
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        this.connections = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        connections.execute(this::accept);
    }

    public static LoopbackHttpProxy start(URI target, String threadName, Exchange exchange) throws IOException {
        return new LoopbackHttpProxy(target, threadName, exchange);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                connections.execute(() -> relay(client));
            } catch (IOException e) {
                // Closed: the proxy is shutting down.
            }
        }
    }

    private void relay(Socket client) {
        try (client; Socket upstream = new Socket(target.getHost(), target.getPort())) {
            upstream.setTcpNoDelay(true);
            InputStream fromClient = new BufferedInputStream(client.getInputStream());
            OutputStream toClient = new BufferedOutputStream(client.getOutputStream());
            InputStream fromUpstream = new BufferedInputStream(upstream.getInputStream());
            OutputStream toUpstream = new BufferedOutputStream(upstream.getOutputStream());
            Upstream emulator = request -> {
                request.writeTo(toUpstream);
                return HttpMessage.read(fromUpstream);
            };
            for (HttpMessage request = HttpMessage.read(fromClient); request != null; request = HttpMessage.read(fromClient)) {
                HttpMessage response = exchange.answer(request, emulator);
                if (response == null) {
                    return;
                }
                response.writeTo(toClient);
            }
        } catch (IOException e) {
            // The client or the emulator closed the connection; the client's SDK retries if it needs to.
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // Closing a listening socket cannot fail in a way that matters here.
        }
        connections.shutdownNow();
    }
}
