package dev.kiln.bench.support;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Minimum, median and maximum of a benchmark's runs: what every figure under the benchmarks' rules is reported as
 * (one run's number says nothing about how much the next would differ).
 *
 * @param min the smallest
 * @param median the middle value (the mean of the two middle ones for an even count)
 * @param max the largest
 * @param count how many values
 */
public record Summary(double min, double median, double max, int count) {

    /**
     * @param values the runs' values (NaN values, from runs that measured nothing, are left out)
     * @return their summary; all NaN with a count of 0 when there is none
     */
    public static Summary of(Collection<Double> values) {
        List<Double> sorted = new ArrayList<>();
        for (Double v : values) {
            if (v != null && !v.isNaN()) {
                sorted.add(v);
            }
        }
        Collections.sort(sorted);
        int n = sorted.size();
        if (n == 0) {
            return new Summary(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Summary(sorted.get(0), median, sorted.get(n - 1), n);
    }

    /**
     * @param format the format of one value, e.g. {@code %.0f}
     * @return "min / **median** / max" (just the value for one run)
     */
    public String format(String format) {
        if (count == 0) {
            return "–";
        }
        String m = String.format(Locale.ROOT, format, median);
        if (count == 1) {
            return m;
        }
        return String.format(Locale.ROOT, format, min) + " / **" + m + "** / " + String.format(Locale.ROOT, format, max);
    }
}
