// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.wasp.daemon.policy.PtlMatrix;

/**
 * A PTL matrix given instead of measured ({@code --ptl-matrix FILE}): to steer by a matrix
 * measured elsewhere, or to make steering deterministic where every node is equally fast (the
 * test VM). The file holds one line per CPU node, each the nanoseconds to every memory node;
 * {@code #} starts a comment, {@code -} or {@code nan} marks an unmeasured entry.
 */
public final class FixedPtl implements PtlSource {
    private final PtlMatrix matrix;

    public FixedPtl(PtlMatrix matrix) {
        this.matrix = matrix;
    }

    public static FixedPtl read(Path file) throws IOException {
        return new FixedPtl(parse(Files.readAllLines(file, StandardCharsets.UTF_8)));
    }

    /** Parses the matrix; rows may not be longer than the number of rows (a square matrix, nodes 0..n-1). */
    public static PtlMatrix parse(List<String> lines) {
        List<double[]> rows = new ArrayList<>();
        int n = 0;
        for (String l : lines) {
            n++;
            int hash = l.indexOf('#');
            String t = (hash >= 0 ? l.substring(0, hash) : l).trim();
            if (t.isEmpty()) {
                continue;
            }
            String[] f = t.split("[\\s,]+");
            double[] row = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                String v = f[i].toLowerCase();
                if (v.equals("-") || v.equals("nan")) {
                    row[i] = Double.NaN;
                    continue;
                }
                try {
                    row[i] = Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("line " + n + ": '" + f[i] + "' is not a latency in ns");
                }
                if (!(row[i] > 0) || Double.isInfinite(row[i])) {
                    throw new IllegalArgumentException("line " + n + ": latency must be positive, not " + f[i]);
                }
            }
            rows.add(row);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no matrix rows");
        }
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).length != rows.size()) {
                throw new IllegalArgumentException("the matrix must be square: " + rows.size() + " rows, row " + i
                        + " has " + rows.get(i).length + " values");
            }
        }
        return new PtlMatrix(rows.toArray(new double[0][]), System.currentTimeMillis());
    }

    @Override
    public Optional<PtlMatrix> latest() {
        return Optional.of(matrix);
    }
}
