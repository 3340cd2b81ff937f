package dev.opskit.multiaccount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person's part of a device login, played by a real headless browser (Debian's chromium, when
 * installed): it opens the verification URL the login printed, sees the code, and clicks "Allow
 * access" on LocalAws's page; the polling login then completes. Driven over the DevTools protocol.
 */
class BrowserApprovalIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static LocalIdentityCenter center;

    @TempDir
    static Path profile;

    @BeforeAll
    static void start() {
        assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed at " + CHROMIUM);
        center = LocalIdentityCenter.start(1, 580000000001L);
    }

    @AfterAll
    static void stop() {
        if (center != null) {
            center.close();
        }
    }

    @Test
    void aBrowserOnTheVerificationPageApprovesTheCode() throws Exception {
        String[] seen = new String[2];
        try (SsoSession sso = Sso.builder().startUrl(center.aws.sso().startUrl()).region("us-east-1")
                .sessionName("browser").baseContext(center.base)
                .onDeviceCode(code -> {
                    try {
                        seen[0] = code.userCode();
                        seen[1] = clickAllow(code.verificationUriComplete());
                    } catch (Exception e) {
                        throw new IllegalStateException("the browser could not approve the code", e);
                    }
                })
                .timeout(Duration.ofMinutes(1)).login()) {
            assertThat(sso.accounts()).extracting(SsoAccount::id).containsExactly("580000000001");
        }
        assertThat(seen[1]).contains("Request approved");
    }

    /** Opens the page in headless chromium, clicks Allow, and returns the text of the page that follows. */
    private static String clickAllow(URI page) throws Exception {
        Process browser = new ProcessBuilder(CHROMIUM.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--remote-debugging-port=0", "--user-data-dir=" + profile, page.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            int port = devToolsPort(browser);
            HttpClient http = HttpClient.newHttpClient();
            String ws = null;
            for (int i = 0; i < 100 && ws == null; i++) {
                List<Object> targets = JSON.std.listFrom(http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                for (Object t : targets) {
                    Map<?, ?> m = (Map<?, ?>) t;
                    if ("page".equals(m.get("type")) && String.valueOf(m.get("url")).startsWith(page.toString())) {
                        ws = (String) m.get("webSocketDebuggerUrl");
                    }
                }
                if (ws == null) {
                    Thread.sleep(100);
                }
            }
            assertThat(ws).as("the browser shows the verification page").isNotNull();
            DevTools tools = new DevTools(http, URI.create(ws));
            String shown = tools.eval("document.readyState === 'complete' ? document.getElementById('user_code').value : ''");
            for (int i = 0; i < 50 && shown.isEmpty(); i++) {
                Thread.sleep(100);
                shown = tools.eval("document.readyState === 'complete' ? document.getElementById('user_code').value : ''");
            }
            assertThat(shown).matches("[A-Z]{4}-[A-Z]{4}");
            tools.eval("document.getElementById('allow').click(), 'clicked'");
            String result = "";
            for (int i = 0; i < 50 && !result.contains("Request"); i++) {
                Thread.sleep(100);
                result = tools.eval("document.getElementById('result') ? document.getElementById('result').innerText : ''");
            }
            tools.close();
            return result;
        } finally {
            browser.destroy();
            if (!browser.waitFor(10, TimeUnit.SECONDS)) {
                browser.destroyForcibly();
            }
        }
    }

    private static int devToolsPort(Process browser) throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(browser.getErrorStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("DevTools listening on ws://127\\.0\\.0\\.1:(\\d+)/");
        for (String line = err.readLine(); line != null; line = err.readLine()) {
            Matcher m = listening.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        while (err.readLine() != null) {
                            // keep the pipe flowing
                        }
                    } catch (IOException e) {
                        // the browser ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(m.group(1));
            }
        }
        throw new IllegalStateException("chromium did not open its DevTools port");
    }

    /** The few DevTools protocol calls the test needs: evaluate an expression and read its value. */
    private static final class DevTools implements WebSocket.Listener {
        private final WebSocket socket;
        private final StringBuilder partial = new StringBuilder();
        private volatile CompletableFuture<String> reply;
        private volatile int id;

        DevTools(HttpClient http, URI ws) {
            this.socket = http.newWebSocketBuilder().buildAsync(ws, this).join();
        }

        synchronized String eval(String expression) throws Exception {
            reply = new CompletableFuture<>();
            id++;
            socket.sendText(JSON.std.asString(Map.of("id", id, "method", "Runtime.evaluate",
                    "params", Map.of("expression", expression, "returnByValue", true))), true).join();
            Map<String, Object> answer = JSON.std.mapFrom(reply.get(10, TimeUnit.SECONDS));
            Object result = ((Map<?, ?>) ((Map<?, ?>) answer.get("result")).get("result")).get("value");
            return result == null ? "" : result.toString();
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String message = partial.toString();
                partial.setLength(0);
                if (message.contains("\"id\":" + id) && reply != null) {
                    reply.complete(message);
                }
            }
            webSocket.request(1);
            return null;
        }

        void close() {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
            } catch (RuntimeException e) {
                throw new UncheckedIOException(new IOException("closing the DevTools socket failed", e));
            }
        }
    }
}
