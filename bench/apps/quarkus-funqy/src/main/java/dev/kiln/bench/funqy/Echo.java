package dev.kiln.bench.funqy;

import io.quarkus.funqy.Funq;

/** The benchmark's echo on Quarkus Funqy (Knative events binding). */
public class Echo {

    /** The payload every benchmark app binds. */
    public static class Message {
        public String message;
        public int n;
    }

    @Funq
    public Message echo(Message input) {
        return input;
    }
}
