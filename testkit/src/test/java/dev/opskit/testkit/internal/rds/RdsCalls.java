package dev.opskit.testkit.internal.rds;

import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.protocol.QueryRequest;
import dev.opskit.testkit.internal.protocol.Xml;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
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

/** Calls an {@link RdsService} as the HTTP server would, and reads its XML answers. */
final class RdsCalls {
    private final RdsService rds;
    private final String account;
    private final String region;

    RdsCalls(RdsService rds, String account, String region) {
        this.rds = rds;
        this.account = account;
        this.region = region;
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
        assertThat(rds.awaitIdle(java.time.Duration.ofSeconds(10))).as("transitions settle").isTrue();
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
