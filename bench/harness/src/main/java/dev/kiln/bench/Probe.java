package dev.kiln.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sends the benchmark's binary-mode CloudEvent over a fresh socket, as a cold caller would. */
final class Probe {

    static final String BODY = "{\"message\":\"hello\",\"n\":1}";

    private static final byte[] REQUEST = ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + "ce-specversion: 1.0\r\nce-id: bench-1\r\nce-type: dev.kiln.bench\r\nce-source: /bench\r\n"
            + "Content-Type: application/json\r\nContent-Length: " + BODY.length() + "\r\n\r\n" + BODY)
            .getBytes(StandardCharsets.US_ASCII);

    private Probe() {
    }

    /** @return whether a TCP connection to the port is accepted (nothing is sent) */
    static boolean connects(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (ConnectException e) {
            return false;
        }
    }

    /** @return the status code, or -1 when nothing listens yet */
    static int post(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(REQUEST);
            out.flush();
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(12);
            in.readAllBytes();
            if (head.length < 12) {
                return 0;
            }
            return Integer.parseInt(new String(head, 9, 3, StandardCharsets.US_ASCII));
        } catch (ConnectException e) {
            return -1;
        }
    }

    /** Clock ticks per second of {@code /proc/<pid>/stat}'s times (USER_HZ: 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100;

    /** @return user + system CPU time of a process in ms, its exited threads included (10 ms resolution) */
    static double cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // Fields after the command name (which may hold spaces, so split after its closing parenthesis):
        // state is field 3; utime and stime are fields 14 and 15.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / TICKS_PER_SECOND;
    }

    /** @return VmRSS of a process in MiB */
    static double rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }
}
