package dev.ditto.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of a real server (PostgreSQL, Elasticsearch) that a test switches between forwarding, hanging
 * (connections accepted and bytes taken, nothing answered: a server stuck in a long GC or on a full disk) and down
 * (every connection reset and new ones closed at once: a server that was killed or stopped).
 */
public final class TcpFaultProxy implements AutoCloseable {
    public enum Mode { FORWARD, HANG, DOWN }

    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private volatile Mode mode = Mode.FORWARD;

    public TcpFaultProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("fault-proxy-" + targetPort).start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Switches the mode; leaving FORWARD or HANG closes the connections that mode held. */
    public void set(Mode next) {
        Mode previous = mode;
        synchronized (gate) {
            mode = next;
            gate.notifyAll();
        }
        if (next == Mode.DOWN || previous == Mode.HANG) {
            open.forEach(TcpFaultProxy::closeQuietly);
            open.clear();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                switch (mode) {
                    case DOWN -> closeQuietly(client);
                    case HANG -> open.add(client);
                    case FORWARD -> forward(client);
                }
            } catch (IOException e) {
                // closed, or one connection failed: go on while the proxy is open
            }
        }
    }

    private void forward(Socket client) throws IOException {
        Socket upstream;
        try {
            upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        } catch (IOException e) {
            closeQuietly(client);
            return;
        }
        open.add(client);
        open.add(upstream);
        Thread.ofPlatform().daemon().start(() -> pump(client, upstream));
        Thread.ofPlatform().daemon().start(() -> pump(upstream, client));
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (gate) {
                    while (mode == Mode.HANG) {
                        gate.wait();
                    }
                }
                if (mode == Mode.DOWN) {
                    break;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the other side closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        set(Mode.DOWN);
    }
}
