package dev.opskit.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opskit.core.InvalidInputException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class BinlogPositionTest {
    @Test
    void parsesTheFormOfRdsEvents() {
        BinlogPosition p = BinlogPosition.parse("mysql-bin-changelog.000002 154");
        assertThat(p.file()).isEqualTo("mysql-bin-changelog.000002");
        assertThat(p.position()).isEqualTo(154);
        assertThat(p.baseName()).isEqualTo("mysql-bin-changelog");
        assertThat(p.sequence()).isEqualTo(2);
        assertThat(p).hasToString("mysql-bin-changelog.000002 154");
        assertThat(BinlogPosition.parse("  mysql-bin.000010:4 ")).isEqualTo(BinlogPosition.of("mysql-bin.000010", 4));
    }

    @Test
    void ordersByFileSequenceThenOffset() {
        BinlogPosition a = BinlogPosition.of("mysql-bin.000009", 900_000);
        BinlogPosition b = BinlogPosition.of("mysql-bin.000010", 4);
        BinlogPosition c = BinlogPosition.of("mysql-bin.000010", 154);
        assertThat(b.isAtOrAfter(a)).isTrue();
        assertThat(c.isAtOrAfter(b)).isTrue();
        assertThat(a.isAtOrAfter(b)).isFalse();
        assertThat(c.isAtOrAfter(c)).isTrue();
        // sequence numbers compare as numbers, not text
        assertThat(BinlogPosition.of("bin.1000000", 4).isAtOrAfter(BinlogPosition.of("bin.999999", 4))).isTrue();
    }

    @Test
    void rejectsWhatIsNotAPosition() {
        assertThatThrownBy(() -> BinlogPosition.parse("mysql-bin.000002"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'<file> <position>'");
        assertThatThrownBy(() -> BinlogPosition.of("mysql-bin.000002", 3))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least 4");
        assertThatThrownBy(() -> BinlogPosition.of("no-sequence", 154))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("sequence number");
        assertThatThrownBy(() -> BinlogPosition.parse(null)).isInstanceOf(InvalidInputException.class);
    }

    @Property
    void printsWhatItParses(@ForAll @IntRange(min = 1, max = 999_999) int seq,
                            @ForAll @LongRange(min = 4, max = Long.MAX_VALUE) long pos) {
        BinlogPosition p = BinlogPosition.of(String.format("mysql-bin-changelog.%06d", seq), pos);
        assertThat(BinlogPosition.parse(p.toString())).isEqualTo(p);
    }

    @Property
    void orderFollowsSequenceThenPosition(@ForAll @IntRange(min = 1, max = 999) int s1,
                                          @ForAll @IntRange(min = 1, max = 999) int s2,
                                          @ForAll @LongRange(min = 4, max = 1_000_000) long p1,
                                          @ForAll @LongRange(min = 4, max = 1_000_000) long p2) {
        BinlogPosition a = BinlogPosition.of(String.format("b.%06d", s1), p1);
        BinlogPosition b = BinlogPosition.of(String.format("b.%06d", s2), p2);
        int expected = s1 != s2 ? Integer.compare(s1, s2) : Long.compare(p1, p2);
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(Integer.signum(expected));
    }
}
