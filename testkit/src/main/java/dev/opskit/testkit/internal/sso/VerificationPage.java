package dev.opskit.testkit.internal.sso;

import dev.opskit.testkit.internal.protocol.RestRequest;
import dev.opskit.testkit.internal.protocol.RestResponse;
import dev.opskit.testkit.internal.server.FormData;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The pages a person sees during a device login on LocalAws: the start URL's landing page, and
 * the verification page ({@code /device?user_code=...}) that shows the code the terminal printed
 * and asks to allow or deny access for the LocalAws user. A form post records the decision, which
 * the polling client's next {@code CreateToken} sees.
 */
final class VerificationPage {
    private static final String HTML = "text/html; charset=utf-8";

    private final IdentityCenter center;

    VerificationPage(IdentityCenter center) {
        this.center = center;
    }

    RestResponse start(RestRequest request) {
        return page(200, "LocalAws IAM Identity Center",
                "<p>This is the start URL of a LocalAws IAM Identity Center: <code>" + esc(center.startUrl())
                        + "</code>.</p><p>Log in from a terminal (<code>Sso.login(...)</code> or "
                        + "<code>aws sso login</code>); it shows a code to confirm at <a href=\"/device\">/device</a>.</p>"
                        + "<p>" + center.pendingDevices().size() + " login request(s) are waiting.</p>");
    }

    RestResponse show(RestRequest request) {
        String code = request.queryParam("user_code");
        if (code == null || code.isBlank()) {
            return page(200, "Authorize request", form("", "Enter the code shown in your terminal."));
        }
        Optional<IdentityCenter.Device> device = center.pendingDevice(code);
        if (device.isEmpty()) {
            return page(404, "Code not found", "<p id=\"result\">The code <code>" + esc(code)
                    + "</code> is not waiting for approval: it is unknown, expired, or was already used."
                    + " Start the login again in your terminal.</p>");
        }
        return page(200, "Authorize request", form(device.get().userCode(),
                "Allow the application that shows this code to access your AWS accounts as <b>"
                        + esc(center.userName()) + "</b>?"));
    }

    RestResponse decide(RestRequest request) {
        FormData form = FormData.parse(new String(request.body(), StandardCharsets.UTF_8));
        String code = form.singleValues().get("user_code");
        String action = form.singleValues().getOrDefault("action", "allow");
        boolean allow = !action.equalsIgnoreCase("deny");
        if (!center.decide(code, allow)) {
            return page(404, "Code not found", "<p id=\"result\">The code <code>" + esc(String.valueOf(code))
                    + "</code> is not waiting for approval: it is unknown, expired, or was already used.</p>");
        }
        return page(200, allow ? "Request approved" : "Request denied", "<p id=\"result\">" + (allow
                ? "Request approved. You can close this window and return to your terminal."
                : "Request denied. The terminal's login fails with access denied.") + "</p>");
    }

    private static String form(String code, String question) {
        return "<p>" + question + "</p>"
                + "<form method=\"post\" action=\"/device\">"
                + "<label>Code <input id=\"user_code\" name=\"user_code\" value=\"" + esc(code) + "\"></label> "
                + "<button id=\"allow\" type=\"submit\" name=\"action\" value=\"allow\">Allow access</button> "
                + "<button id=\"deny\" type=\"submit\" name=\"action\" value=\"deny\">Deny</button>"
                + "</form>";
    }

    private static RestResponse page(int status, String title, String body) {
        String html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title>"
                + "<style>body{font-family:sans-serif;max-width:40em;margin:3em auto}code{background:#eee}"
                + "button{margin:0.5em}</style></head><body><h1>" + esc(title) + "</h1>" + body
                + "<p><small>LocalAws, an emulator: no real AWS account is involved.</small></p></body></html>";
        return RestResponse.bytes(status, HTML, html.getBytes(StandardCharsets.UTF_8));
    }

    private static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
