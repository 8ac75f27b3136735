package dev.kiln.bench.scf;

import java.util.function.Function;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** The benchmark's echo on Spring Cloud Function web. */
@SpringBootApplication
public class EchoApplication {

    /** The payload every benchmark app binds. */
    public static class Message {
        public String message;
        public int n;
    }

    @Bean
    public Function<Message, Message> echo() {
        return input -> input;
    }

    public static void main(String[] args) {
        SpringApplication.run(EchoApplication.class, args);
    }
}
