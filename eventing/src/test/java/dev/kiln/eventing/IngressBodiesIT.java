package dev.kiln.eventing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The broker ingress against senders that do not stop: bodies are bounded while they arrive, not after. */
class IngressBodiesIT {

    static EventingPlane plane;

    @BeforeAll
    static void start() throws Exception {
        plane = EventingPlane.start(EventingOptions.defaults());
        plane.apply((HasMetadata) Serialization.unmarshal("""
                apiVersion: eventing.knative.dev/v1
                kind: Broker
                metadata: {name: default, namespace: flood}
                """));
    }

    @AfterAll
    static void stop() throws Exception {
        plane.close();
    }

    @Test
    void aChunkedEventThatNeverEndsIsRefusedWhileItArrives() throws Exception {
        URI base = URI.create(plane.baseUrl());
        long limit = 1L << 30; // 1 GiB: a server that buffered it all would answer only after it all arrived, if at all
        long sent = 0;
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /flood/default HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nce-specversion: 1.0\r\nce-id: 1\r\n"
                    + "ce-source: /flood\r\nce-type: t\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 << 10];
            try {
                while (sent < limit) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    sent += chunk.length;
                }
            } catch (IOException closedByTheIngress) {
                // expected: the ingress answered 413 and closed
            }
            String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertThat(status).contains("413");
        }
        assertThat(sent).as("bytes sent before the ingress closed the connection").isLessThan(limit);
    }
}
