package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.Timings;
import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.protocol.QueryRequest;
import dev.opskit.testkit.internal.protocol.Xml;
import dev.opskit.testkit.internal.server.Ticker;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * An RDS emulation without HTTP: a backend on its own ticker, called through its actions as the
 * HTTP server would, with the XML answers read back. Closing it stops what it started.
 */
final class RdsCalls implements AutoCloseable {
    private final Ticker ticker;
    private final RdsBackend backend;
    private final RdsActions rds;
    private final String account;
    private final String region;

    private RdsCalls(Ticker ticker, RdsBackend backend, String account, String region) {
        this.ticker = ticker;
        this.backend = backend;
        this.rds = new RdsActions(backend);
        this.account = account;
        this.region = region;
    }

    /** A new emulation on the wall clock, called as account 111111111111 in us-east-1. */
    static RdsCalls start(Timings timings, Databases databases) {
        Ticker ticker = new Ticker(Clock.systemUTC());
        return new RdsCalls(ticker, new RdsBackend(timings, databases, ticker), "111111111111", "us-east-1");
    }

    /** The same emulation, called as another account or in another region. */
    RdsCalls as(String otherAccount, String otherRegion) {
        return new RdsCalls(ticker, backend, otherAccount, otherRegion);
    }

    RdsBackend backend() {
        return backend;
    }

    /** Stops the transitions and the ticker. */
    @Override
    public void close() {
        backend.close();
        ticker.close();
    }

    /** Calls an action with alternating name/value parameters. */
    Answer call(String action, String... nameValues) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            params.put(nameValues[i], nameValues[i + 1]);
        }
        Xml result = rds.handle(new QueryRequest("rds", action, params, account, region, "AKIDTEST", "req-1",
                Instant.now()));
        return new Answer(result == null ? null : result.render());
    }

    AwsError fail(String action, String... nameValues) {
        return catchThrowableOfType(AwsError.class, () -> call(action, nameValues));
    }

    void settle() {
        assertThat(ticker.awaitIdle(java.time.Duration.ofSeconds(10))).as("transitions settle").isTrue();
    }

    record Answer(String xml) {
        String text(String xpath) {
            try {
                return (String) XPathFactory.newInstance().newXPath().evaluate(xpath, doc(), XPathConstants.STRING);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        List<String> texts(String xpath) {
            try {
                NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath()
                        .evaluate(xpath, doc(), XPathConstants.NODESET);
                List<String> out = new ArrayList<>();
                for (int i = 0; i < nodes.getLength(); i++) {
                    out.add(nodes.item(i).getTextContent());
                }
                return out;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        private Document doc() throws Exception {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
