package dev.ditto.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of a real server (PostgreSQL, Elasticsearch) that a test switches between forwarding, hanging
 * (connections accepted and bytes taken, nothing answered: a server stuck in a long GC or on a full disk) and down
 * (every connection reset and new ones closed at once: a server that was killed or stopped). While forwarding it
 * can also be flaky ({@link #faults(double)}): that share of requests is refused (the connection reset as the
 * request arrives) and as many answers are cut (reset after their first bytes), as a store under strain does.
 */
public final class TcpFaultProxy implements AutoCloseable {
    public enum Mode { FORWARD, HANG, DOWN }

    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private volatile Mode mode = Mode.FORWARD;
    private volatile double faultRate;
    private final java.util.Random random = new java.util.Random(19);
    private final java.util.concurrent.atomic.AtomicInteger faults = new java.util.concurrent.atomic.AtomicInteger();

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

    /** From now on about {@code rate} of the requests are refused and as many answers cut. */
    public void faults(double rate) {
        faultRate = rate;
    }

    /** Requests refused and answers cut so far by {@link #faults(double)}. */
    public int faultsInjected() {
        return faults.get();
    }

    private boolean fault() {
        if (faultRate <= 0) {
            return false;
        }
        synchronized (random) {
            return random.nextDouble() < faultRate;
        }
    }

    /** Which way bytes last went on a connection: a chunk the other way starts a new request or a new answer. */
    private static final class Turn {
        volatile boolean requesting;
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
        Turn turn = new Turn();
        Thread.ofPlatform().daemon().start(() -> pump(client, upstream, turn, true));
        Thread.ofPlatform().daemon().start(() -> pump(upstream, client, turn, false));
    }

    private void pump(Socket from, Socket to, Turn turn, boolean request) {
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
                boolean starts = turn.requesting != request; // a new request, or the answer to one
                turn.requesting = request;
                if (starts && fault()) {
                    faults.incrementAndGet();
                    if (!request) {
                        out.write(buffer, 0, Math.min(n, 16)); // the answer begins, then the connection drops
                        out.flush();
                    }
                    resetBoth(from, to);
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

    /** Ends both sides with an RST (SO_LINGER 0), as a connection a crashed or overloaded server drops. */
    private static void resetBoth(Socket a, Socket b) {
        for (Socket s : List.of(a, b)) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException e) {
                // closing is what matters
            }
            closeQuietly(s);
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
