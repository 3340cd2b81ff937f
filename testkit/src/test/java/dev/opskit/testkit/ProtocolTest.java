package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.testkit.internal.protocol.AwsError;
import dev.opskit.testkit.internal.protocol.QueryEnvelope;
import dev.opskit.testkit.internal.protocol.Xml;
import dev.opskit.testkit.internal.server.AuthorizationHeader;
import dev.opskit.testkit.internal.server.FormData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolTest {

    @Test
    void formDecodingTreatsPlusAndPercent20AsSpacesAndKeepsRepeatedKeys() {
        FormData form = FormData.parse("Action=AssumeRole&RoleSessionName=a+b%20c&Tags.member.1.Key=k%3D1"
                + "&Dup=x&Dup=y&Empty=&Flag");

        assertThat(form.values()).containsEntry("RoleSessionName", List.of("a b c"))
                .containsEntry("Tags.member.1.Key", List.of("k=1"))
                .containsEntry("Dup", List.of("x", "y"))
                .containsEntry("Empty", List.of(""))
                .containsEntry("Flag", List.of(""));
    }

    @Test
    void repeatedKeyWithDifferentValuesIsRejectedButIdenticalRepeatsCollapse() {
        assertThat(FormData.parse("A=1&A=1").singleValues()).isEqualTo(Map.of("A", "1"));

        assertThatThrownBy(() -> FormData.parse("A=1&A=2").singleValues())
                .isInstanceOfSatisfying(AwsError.class, e -> {
                    assertThat(e.code()).isEqualTo("InvalidParameterValue");
                    assertThat(e.getMessage()).contains("A", "[1, 2]");
                });
    }

    @Test
    void brokenPercentEscapeIsMalformedQueryString() {
        assertThatThrownBy(() -> FormData.parse("Action=%ZZ"))
                .isInstanceOfSatisfying(AwsError.class, e -> {
                    assertThat(e.code()).isEqualTo("MalformedQueryString");
                    assertThat(e.httpStatus()).isEqualTo(400);
                });
    }

    @Test
    void mergedFormsKeepQueryStringValuesFirst() {
        FormData merged = FormData.parse("Action=A").merge(FormData.parse("Version=1&Action=A"));
        assertThat(merged.singleValues()).containsEntry("Action", "A").containsEntry("Version", "1");
    }

    @Test
    void successEnvelopeWrapsResultWithNamespaceAndRequestIdAndEscapesText() {
        String xml = QueryEnvelope.success("GetCallerIdentity", "https://sts.amazonaws.com/doc/2011-06-15/",
                Xml.element("GetCallerIdentityResult").add("Arn", "a<b>&\"c'"), "req-1");

        assertThat(xml).contains("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                + "<GetCallerIdentityResult><Arn>a&lt;b&gt;&amp;&quot;c&apos;</Arn></GetCallerIdentityResult>"
                + "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>");
    }

    @Test
    void actionWithoutResultStillHasResponseMetadata() {
        String xml = QueryEnvelope.success("DeleteThing", "ns", null, "r");
        assertThat(xml).endsWith("<DeleteThingResponse xmlns=\"ns\"><ResponseMetadata><RequestId>r</RequestId>"
                + "</ResponseMetadata></DeleteThingResponse>");
    }

    @Test
    void errorEnvelopeCarriesTypeCodeMessageAndRequestId() {
        String sender = QueryEnvelope.error("ns", AwsError.badRequest("Throttling", "Rate <exceeded>"), "r1");
        String receiver = QueryEnvelope.error(null, new AwsError("InternalFailure", 500, false, "boom"), "r2");

        assertThat(sender).contains("<ErrorResponse xmlns=\"ns\"><Error><Type>Sender</Type><Code>Throttling</Code>"
                + "<Message>Rate &lt;exceeded&gt;</Message></Error><RequestId>r1</RequestId></ErrorResponse>");
        assertThat(receiver).contains("<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>");
    }

    @Test
    void authorizationHeaderGivesKeyScopeAndSignedHeaders() {
        AuthorizationHeader auth = AuthorizationHeader.parse("AWS4-HMAC-SHA256 "
                + "Credential=AKIAEXAMPLE/20250102/eu-west-1/rds/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, Signature=" + "ab".repeat(32));

        assertThat(auth.accessKeyId()).isEqualTo("AKIAEXAMPLE");
        assertThat(auth.region()).isEqualTo("eu-west-1");
        assertThat(auth.service()).isEqualTo("rds");
        assertThat(auth.signedHeaders()).containsExactly("content-type", "host", "x-amz-date");
    }

    @Test
    void malformedAuthorizationHeaderIsIncompleteSignature() {
        assertThatThrownBy(() -> AuthorizationHeader.parse("AWS4-HMAC-SHA256 Credential=AKIA/2025/x/aws4_request"))
                .isInstanceOfSatisfying(AwsError.class, e -> assertThat(e.code()).isEqualTo("IncompleteSignature"));
        assertThatThrownBy(() -> AuthorizationHeader.parse("Bearer abc"))
                .isInstanceOfSatisfying(AwsError.class, e -> assertThat(e.code()).isEqualTo("IncompleteSignature"));
    }
}
