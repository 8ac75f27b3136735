package dev.kiln.eventing;

/**
 * The Ready condition of a Broker, Trigger, Sequence or Parallel hosted by the plane.
 *
 * @param ready whether it works
 * @param reason a CamelCase reason when not ready, else null
 * @param message what is wrong and what to do, else null
 * @param address where it receives events (Brokers, Sequences, Parallels), else null
 */
public record ResourceState(boolean ready, String reason, String message, String address) {

    static ResourceState ready(String address) {
        return new ResourceState(true, null, null, address);
    }

    static ResourceState notReady(String reason, String message) {
        return new ResourceState(false, reason, message, null);
    }
}
