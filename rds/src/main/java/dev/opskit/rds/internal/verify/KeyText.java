package dev.opskit.rds.internal.verify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/** Primary keys as text: how rows are matched between the servers and shown in the report. */
public final class KeyText {
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");

    /** Keys as text, ordered column by column: as numbers where both values are integers. */
    static final Comparator<List<String>> ORDER = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            String x = a.get(i);
            String y = b.get(i);
            int c;
            if (INTEGER.matcher(x).matches() && INTEGER.matcher(y).matches()) {
                c = Long.compare(Long.parseLong(x), Long.parseLong(y));
            } else {
                c = x.compareTo(y);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };

    private KeyText() {
    }

    /**
     * @param key key values as the driver returned them
     * @return each value as text, binary values as {@code 0x} and hex digits
     */
    public static List<String> of(List<Object> key) {
        List<String> out = new ArrayList<>();
        for (Object v : key) {
            out.add(v instanceof byte[] bytes ? "0x" + HexFormat.of().formatHex(bytes) : String.valueOf(v));
        }
        return out;
    }
}
