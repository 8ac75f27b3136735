package dev.kiln.bench.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Warm-up until the data says the system holds still: windows of load are run one after the other until the last
 * few windows' rates agree within a tolerance. A JVM's first seconds under load run interpreted and C1 code, fill
 * pools and caches, and grow the heap: a scenario measured then is measured in a different program than the one after
 * it (issue 23: the first scenario of the eventing benchmark delivered a quarter of the second's rate because the JIT
 * had not compiled the hot path yet). A fixed warm-up time cannot know when that is over; the rates can.
 */
public final class SteadyState {

    private SteadyState() {
    }

    /** One window of load; returns its rate (events/s, requests/s...). */
    @FunctionalInterface
    public interface Window {
        double run() throws Exception;
    }

    /**
     * When a run of windows counts as steady.
     *
     * @param tolerance the largest spread of the last windows' rates, as a fraction of their median (0.05: 5%)
     * @param windows how many successive windows must agree (at least 2)
     * @param maxWindows windows run at most; then the scenario is measured anyway and reported as not steady
     */
    public record Rule(double tolerance, int windows, int maxWindows) {

        /** 5%, 3 windows, at most 20. */
        public static final Rule DEFAULT = new Rule(0.05, 3, 20);

        public Rule {
            if (windows < 2 || maxWindows < windows || tolerance <= 0) {
                throw new IllegalArgumentException("a steady-state rule needs tolerance > 0 and 2 <= windows <= maxWindows; got "
                        + tolerance + ", " + windows + ", " + maxWindows);
            }
        }
    }

    /**
     * How a warm-up went.
     *
     * @param steady whether the last windows agreed within the tolerance
     * @param rates every window's rate, in order
     * @param rule the rule applied
     */
    public record Result(boolean steady, List<Double> rates, Rule rule) {

        /** @return e.g. "steady after 5 windows (spread 2.1%: 9120, 9230, 9310)" or "NOT steady after 20 windows (...)" */
        public String describe() {
            List<Double> last = rates.subList(Math.max(0, rates.size() - rule.windows()), rates.size());
            String shown = last.stream().map(r -> String.format(Locale.ROOT, "%.0f", r)).collect(Collectors.joining(", "));
            return String.format(Locale.ROOT, "%s after %d windows (last %d: %s; spread %.1f%%, tolerance %.0f%%)",
                    steady ? "steady" : "NOT steady", rates.size(), last.size(), shown, 100 * spread(last), 100 * rule.tolerance());
        }
    }

    /**
     * Runs windows until the last {@code rule.windows()} rates agree, or {@code rule.maxWindows()} ran.
     *
     * @param rule when to stop
     * @param window one window of load
     * @return the warm-up's rates and whether it became steady
     * @throws Exception what a window threw
     */
    public static Result warm(Rule rule, Window window) throws Exception {
        List<Double> rates = new ArrayList<>();
        while (rates.size() < rule.maxWindows()) {
            rates.add(window.run());
            if (steady(rates, rule)) {
                return new Result(true, List.copyOf(rates), rule);
            }
        }
        return new Result(false, List.copyOf(rates), rule);
    }

    /** @return whether the last {@code rule.windows()} rates spread by at most the tolerance */
    static boolean steady(List<Double> rates, Rule rule) {
        if (rates.size() < rule.windows()) {
            return false;
        }
        List<Double> last = rates.subList(rates.size() - rule.windows(), rates.size());
        return last.stream().allMatch(r -> r > 0) && spread(last) <= rule.tolerance();
    }

    /** @return (max − min) / median, 0 for fewer than two values */
    static double spread(List<Double> values) {
        if (values.size() < 2) {
            return 0;
        }
        Summary s = Summary.of(values);
        return s.median() == 0 ? Double.POSITIVE_INFINITY : (s.max() - s.min()) / s.median();
    }
}
