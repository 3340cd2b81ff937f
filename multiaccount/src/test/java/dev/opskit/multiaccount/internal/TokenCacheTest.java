package dev.opskit.multiaccount.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.opskit.core.OpsException;
import dev.opskit.core.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCacheTest {
    @TempDir
    Path dir;

    @Test
    void filesAreNamedByTheSha1OfTheSessionNameAsTheCliNamesThem() {
        // sha1("my-sso"), as `echo -n my-sso | sha1sum` prints it
        assertThat(new TokenCache(dir).file("my-sso").getFileName().toString())
                .isEqualTo("0ad374308c5a4e22f723adf10145eafad7c4031c.json");
    }

    @Test
    void aTokenIsWrittenInTheCliFormatAndReadBack() throws Exception {
        TokenCache cache = new TokenCache(dir.resolve("sso/cache"));
        CachedToken t = new CachedToken("https://x.awsapps.com/start", "eu-west-1", Secret.of("access-1"),
                Instant.parse("2030-01-02T03:04:05.678Z"), "client-1", Secret.of("client-secret-1"),
                Instant.parse("2030-03-01T00:00:00Z"), Secret.of("refresh-1"));
        cache.write("s1", t);

        Map<String, Object> json = JSON.std.mapFrom(Files.readString(cache.file("s1")));
        assertThat(json).containsEntry("expiresAt", "2030-01-02T03:04:05Z")
                .containsEntry("registrationExpiresAt", "2030-03-01T00:00:00Z")
                .containsEntry("accessToken", "access-1").containsEntry("refreshToken", "refresh-1");
        CachedToken back = cache.read("s1").orElseThrow();
        assertThat(back.accessToken().reveal()).isEqualTo("access-1");
        assertThat(back.expiresAt()).isEqualTo(Instant.parse("2030-01-02T03:04:05Z"));
        assertThat(back.refreshable(Instant.parse("2030-02-01T00:00:00Z"))).isTrue();
        assertThat(back.refreshable(Instant.parse("2030-04-01T00:00:00Z"))).isFalse();
        assertThat(back.toString()).doesNotContain("access-1", "refresh-1", "client-secret-1");
        assertThat(cache.delete("s1")).isTrue();
        assertThat(cache.read("s1")).isEmpty();
    }

    @Test
    void olderCliTimesAndOffsetsAreReadAndABrokenFileSaysWhatToDo() throws Exception {
        TokenCache cache = new TokenCache(dir);
        Files.writeString(cache.file("old"), "{\"startUrl\":\"https://x\",\"accessToken\":\"a1\","
                + "\"expiresAt\":\"2019-11-14T04:05:45UTC\"}");
        assertThat(cache.read("old").orElseThrow().expiresAt()).isEqualTo(Instant.parse("2019-11-14T04:05:45Z"));
        Files.writeString(cache.file("offset"), "{\"accessToken\":\"a1\",\"expiresAt\":\"2019-11-14T05:05:45+01:00\"}");
        assertThat(cache.read("offset").orElseThrow().expiresAt()).isEqualTo(Instant.parse("2019-11-14T04:05:45Z"));
        Files.writeString(cache.file("broken"), "{\"expiresAt\":\"2019-11-14T04:05:45Z\"}");
        assertThatThrownBy(() -> cache.read("broken")).isInstanceOf(OpsException.class)
                .hasMessageContaining("delete it and log in again");
    }
}
