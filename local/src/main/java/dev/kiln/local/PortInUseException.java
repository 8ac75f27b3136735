package dev.kiln.local;

import java.io.IOException;
import java.net.BindException;

/**
 * The eventing plane's port is taken, most likely by another {@code kiln dev}. The JDK's {@link BindException} says only
 * "Address already in use"; this names the address, so the caller can say what to do.
 */
public final class PortInUseException extends IOException {

    private final String host;
    private final int port;

    PortInUseException(String host, int port, Throwable cause) {
        super(host + ":" + port + " is in use", cause);
        this.host = host;
        this.port = port;
    }

    /** @return the address that could not be bound */
    public String host() {
        return host;
    }

    /** @return the port that could not be bound */
    public int port() {
        return port;
    }

    /** @return the {@link BindException} in {@code e}'s causes, or null */
    static BindException bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException bind) {
                return bind;
            }
        }
        return null;
    }
}
