package dev.opskit.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real AWS CLI against LocalAws Organizations: ListAccounts, paged, and who may call it. */
@ExtendWith(AwsCli.Installed.class)
class OrganizationsCliIT {
    @RegisterExtension
    static final LocalAwsExtension LOCAL = LocalAwsExtension.perClass();

    @Test
    void theManagementAccountListsEveryMemberWithNamesPageByPage() throws Exception {
        LocalAws aws = LOCAL.aws();
        for (int i = 1; i <= 4; i++) {
            aws.createAccount("30000000000" + i);
            aws.organization().name("30000000000" + i, "team-" + i);
        }

        AwsCli.Result r = AwsCli.against(aws, aws.defaultAccount()).run("organizations", "list-accounts",
                "--page-size", "2");

        assertThat(r.exit()).as(r.err()).isZero();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> accounts = (List<Map<String, Object>>) JSON.std.mapFrom(r.out()).get("Accounts");
        assertThat(accounts).extracting(a -> a.get("Id")).contains(LocalAws.DEFAULT_ACCOUNT_ID, "300000000001",
                "300000000004");
        assertThat(accounts).filteredOn(a -> a.get("Id").equals("300000000003")).singleElement()
                .satisfies(a -> {
                    assertThat(a).containsEntry("Name", "team-3").containsEntry("Email", "team-3@example.com")
                            .containsEntry("Status", "ACTIVE");
                    assertThat((String) a.get("Arn")).startsWith("arn:aws:organizations::111111111111:account/o-")
                            .endsWith("/300000000003");
                });
    }

    @Test
    void aMemberAccountIsDeniedUntilItIsADelegatedAdministrator() throws Exception {
        LocalAws aws = LOCAL.aws();
        LocalAccount member = aws.createAccount();

        AwsCli.Result denied = AwsCli.against(aws, member).run("organizations", "list-accounts");
        assertThat(denied.exit()).isNotZero();
        assertThat(denied.err()).contains("AccessDeniedException");

        aws.organization().delegateAdministration(member.id());
        AwsCli.Result allowed = AwsCli.against(aws, member).run("organizations", "list-accounts");
        assertThat(allowed.exit()).as(allowed.err()).isZero();
        assertThat(allowed.out()).contains(member.id());
    }
}
