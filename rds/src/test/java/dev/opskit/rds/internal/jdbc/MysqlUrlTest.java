package dev.opskit.rds.internal.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MysqlUrlTest {
    @Test
    void loopbackHostsAreRecognised() {
        assertThat(MysqlUrl.isLoopback("127.0.0.1")).isTrue();
        assertThat(MysqlUrl.isLoopback("localhost")).isTrue();
        assertThat(MysqlUrl.isLoopback("::1")).isTrue();
        assertThat(MysqlUrl.isLoopback("[::1]")).isTrue();
        assertThat(MysqlUrl.isLoopback("rds.us-east-1.amazonaws.com")).isFalse();
        assertThat(MysqlUrl.isLoopback(null)).isFalse();
    }

    @Test
    void localServersGoWithoutTlsAndRemoteOnesPreferIt() {
        assertThat(MysqlUrl.of("127.0.0.1", 3307, "connectTimeout=2000"))
                .isEqualTo("jdbc:mysql://127.0.0.1:3307/?connectTimeout=2000&useSSL=false&allowPublicKeyRetrieval=true");
        assertThat(MysqlUrl.of("orders.cluster-x.us-east-1.rds.amazonaws.com", 3306, ""))
                .isEqualTo("jdbc:mysql://orders.cluster-x.us-east-1.rds.amazonaws.com:3306/?sslMode=PREFERRED")
                .doesNotContain("allowPublicKeyRetrieval");
    }
}
