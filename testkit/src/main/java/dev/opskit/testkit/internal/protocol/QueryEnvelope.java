package dev.opskit.testkit.internal.protocol;

/**
 * The awsQuery response envelopes: a result wrapped as
 * {@code <ActionResponse xmlns=ns><ActionResult>..</ActionResult><ResponseMetadata>..}
 * and errors as {@code <ErrorResponse xmlns=ns><Error><Type/><Code/><Message/></Error>..}.
 */
public final class QueryEnvelope {
    private static final String PROLOG = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    private QueryEnvelope() {
    }

    /**
     * @param result the {@code <ActionResult>} element, or null for actions without one
     */
    public static String success(String action, String namespace, Xml result, String requestId) {
        StringBuilder sb = new StringBuilder(512).append(PROLOG);
        sb.append('<').append(action).append("Response xmlns=\"");
        Xml.escape(namespace, sb);
        sb.append("\">");
        if (result != null) {
            sb.append(result.render());
        }
        sb.append(Xml.element("ResponseMetadata").add("RequestId", requestId).render());
        sb.append("</").append(action).append("Response>");
        return sb.toString();
    }

    /** An error document; {@code namespace} may be null when the service is not known. */
    public static String error(String namespace, AwsError error, String requestId) {
        StringBuilder sb = new StringBuilder(512).append(PROLOG);
        sb.append("<ErrorResponse");
        if (namespace != null) {
            sb.append(" xmlns=\"");
            Xml.escape(namespace, sb);
            sb.append('"');
        }
        sb.append('>');
        sb.append(Xml.element("Error")
                .add("Type", error.senderFault() ? "Sender" : "Receiver")
                .add("Code", error.code())
                .add("Message", error.getMessage())
                .render());
        sb.append(Xml.text("RequestId", requestId).render());
        sb.append("</ErrorResponse>");
        return sb.toString();
    }
}
