package dev.opskit.multiaccount.event;

import dev.opskit.core.event.OpsEvent;

/**
 * The events of {@code opskit-multiaccount}: SSO logins and token refreshes, credentials issued
 * for an account's role, and fan-out progress. None carries a token, secret key or session
 * token: only account ids, role names, codes a person types, times and counts.
 *
 * <pre>{@code
 * fleet.listener(FleetTargetFinished.class, e -> System.out.println(e.message()));
 * }</pre>
 */
public sealed interface MultiAccountEvent extends OpsEvent permits DeviceAuthorizationStarted, SsoLoggedIn,
        SsoTokenRefreshed, CredentialsIssued, FleetStarted, FleetTargetFinished, FleetFinished {

    @Override
    default String runbookId() {
        return null;
    }

    @Override
    default String step() {
        return null;
    }
}
