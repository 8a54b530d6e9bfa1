package io.eventbackbone.bench;

import java.util.Arrays;
import java.util.Random;

/** Ranks {@code 0..n-1} drawn with probability proportional to {@code 1 / (rank + 1)^exponent}. */
final class ZipfSampler {
    private final double[] cumulative;

    ZipfSampler(int n, double exponent) {
        cumulative = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1.0 / Math.pow(k + 1, exponent);
            cumulative[k] = sum;
        }
    }

    int next(Random random) {
        double u = random.nextDouble() * cumulative[cumulative.length - 1];
        int i = Arrays.binarySearch(cumulative, u);
        return i >= 0 ? i : Math.min(-i - 1, cumulative.length - 1);
    }
}
