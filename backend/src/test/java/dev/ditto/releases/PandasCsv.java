package dev.ditto.releases;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads a CSV the way {@code pandas.read_csv} does with its defaults: RFC 4180 quoting, the first row as header,
 * pandas' default NA strings turned into missing values (null) and columns whose every value is numeric typed as
 * numbers. Enough to show what DiffSynth-Studio's loader will see.
 */
final class PandasCsv {
    /** pandas' default {@code na_values} (exact, case-sensitive, as pandas matches them). */
    static final Set<String> NA_VALUES = Set.of("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
            "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?|[+-]?(inf|Infinity)");

    private PandasCsv() {}

    /** A parsed frame: column names, and per column its values (null = missing) and whether pandas types it numeric. */
    record Frame(List<String> columns, Map<String, List<@Nullable String>> values, Map<String, Boolean> numeric) {
        List<@Nullable String> column(String name) {
            return values.get(name);
        }
    }

    static Frame read(String text) {
        List<List<String>> rows = parse(text);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("empty CSV: pandas raises EmptyDataError");
        }
        List<String> header = rows.getFirst();
        Map<String, List<@Nullable String>> values = new LinkedHashMap<>();
        header.forEach(h -> values.put(h, new ArrayList<>()));
        for (List<String> row : rows.subList(1, rows.size())) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("row with " + row.size() + " fields under a header of " + header.size()
                        + ": pandas raises ParserError");
            }
            for (int i = 0; i < header.size(); i++) {
                String v = row.get(i);
                values.get(header.get(i)).add(NA_VALUES.contains(v) ? null : v);
            }
        }
        Map<String, Boolean> numeric = new LinkedHashMap<>();
        values.forEach((k, v) -> numeric.put(k, v.stream().allMatch(x -> x == null || NUMBER.matcher(x).matches())));
        return new Frame(header, values, numeric);
    }

    /** RFC 4180: fields separated by commas, quoted fields may hold commas, doubled quotes and line breaks. */
    static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                any = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (any || field.length() > 0) {
                    row.add(field.toString());
                    rows.add(row);
                }
                row = new ArrayList<>();
                field.setLength(0);
                any = false;
            } else {
                field.append(c);
                any = true;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted field: pandas raises ParserError");
        }
        if (any || field.length() > 0) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
