package dev.kiln.bench.echo;

import dev.kiln.function.CloudFunction;
import dev.kiln.function.Context;

/** The benchmark's echo on the Kiln SDK: the event's JSON data bound to a POJO and sent back as the reply. */
public class Echo implements CloudFunction<Echo.Message, Echo.Message> {

    /** The payload every benchmark app binds. */
    public static class Message {
        public String message;
        public int n;
    }

    @Override
    public Message apply(Message input, Context context) {
        return input;
    }
}
