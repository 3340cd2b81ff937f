package dev.opskit.testkit.internal.protocol;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * A small XML element tree for awsQuery responses. Text is escaped on rendering; {@code null}
 * values are omitted, as AWS omits absent members.
 *
 * <pre>{@code
 * Xml result = Xml.element("DescribeDBClustersResult")
 *     .add(Xml.element("DBClusters").addAll("DBCluster", clusters, c -> c.toXml()))
 *     .add("Marker", marker);
 * }</pre>
 */
public final class Xml {
    private final String name;
    private final String text;
    private final List<Xml> children = new ArrayList<>();

    private Xml(String name, String text) {
        this.name = name;
        this.text = text;
    }

    public static Xml element(String name) {
        return new Xml(name, null);
    }

    public static Xml text(String name, Object value) {
        return new Xml(name, format(value));
    }

    /** Adds a child element with text; skipped if value is null. */
    public Xml add(String childName, Object value) {
        if (value != null) {
            children.add(text(childName, value));
        }
        return this;
    }

    /** Adds a child element; skipped if null. */
    public Xml add(Xml child) {
        if (child != null) {
            children.add(child);
        }
        return this;
    }

    /**
     * Adds one element per item, each named {@code memberName}, converted by {@code toXml}
     * (which must return an element; it is renamed to memberName).
     */
    public <T> Xml addAll(String memberName, Collection<T> items, Function<T, Xml> toXml) {
        for (T item : items) {
            Xml x = toXml.apply(item);
            Xml renamed = new Xml(memberName, x.text);
            renamed.children.addAll(x.children);
            children.add(renamed);
        }
        return this;
    }

    /** Adds one text element per value, each named {@code memberName}. */
    public Xml addTexts(String memberName, Collection<?> values) {
        for (Object v : values) {
            add(memberName, v);
        }
        return this;
    }

    public String name() {
        return name;
    }

    public String render() {
        StringBuilder sb = new StringBuilder(256);
        render(sb);
        return sb.toString();
    }

    private void render(StringBuilder sb) {
        sb.append('<').append(name).append('>');
        if (text != null) {
            escape(text, sb);
        }
        for (Xml c : children) {
            c.render(sb);
        }
        sb.append("</").append(name).append('>');
    }

    /** Instants as ISO-8601 with millisecond precision, as AWS sends them; others as strings. */
    static String format(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return DateTimeFormatter.ISO_INSTANT.format(i.truncatedTo(ChronoUnit.MILLIS));
        }
        return value.toString();
    }

    public static void escape(String s, StringBuilder sb) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                case '\r' -> sb.append("&#13;");
                default -> sb.append(c);
            }
        }
    }
}
