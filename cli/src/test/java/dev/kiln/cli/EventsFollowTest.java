package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What {@code kiln events -f} prints of successive answers of {@code /events}, and where it asks from next. */
class EventsFollowTest {

    /**
     * One answer and what follows from it.
     *
     * @param answer {@code /events}' body (events written {@code seq:outcome})
     * @param printed the events printed for it, {@code seq:outcome}
     * @param after the next question's {@code after}
     */
    record Poll(String answer, List<String> printed, long after) {
    }

    static Poll poll(long last, String events, String printed, long after) {
        StringBuilder json = new StringBuilder("{\"last\":" + last + ",\"events\":[");
        if (!events.isEmpty()) {
            String sep = "";
            for (String e : events.split(" ")) {
                String[] p = e.split(":");
                json.append(sep).append("{\"seq\":").append(p[0]).append(",\"id\":\"e").append(p[0]).append("\",\"outcome\":\"").append(p[1]).append("\"}");
                sep = ",";
            }
        }
        return new Poll(json.append("]}").toString(), printed.isEmpty() ? List.of() : List.of(printed.split(" ")), after);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("settled events are printed once, and the next question starts after the journal's last step", List.of(
                        poll(5, "1:delivered 3:unmatched", "1:delivered 3:unmatched", 5),
                        poll(9, "7:dropped", "7:dropped", 9),
                        poll(9, "", "", 9))),
                Arguments.of("an event in flight is printed again once its outcome is known", List.of(
                        poll(4, "2:in-flight 4:delivered", "2:in-flight 4:delivered", 1),
                        poll(8, "2:delivered 4:delivered 6:in-flight", "2:delivered 6:in-flight", 5),
                        poll(8, "6:dead-lettered", "6:dead-lettered", 8))),
                Arguments.of("an event still in flight is not printed again, and is asked for again", List.of(
                        poll(3, "3:in-flight", "3:in-flight", 2),
                        poll(6, "3:in-flight 5:delivered", "5:delivered", 2),
                        poll(6, "3:delivered 5:delivered", "3:delivered", 6))),
                Arguments.of("an event the answer no longer holds (filtered out once settled, or gone from the journal) is not waited for", List.of(
                        poll(2, "2:in-flight", "2:in-flight", 1),
                        poll(9, "5:delivered", "5:delivered", 9))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void printsEachEventOnceAndAgainWhenItSettles(String name, List<Poll> polls) throws Exception {
        EventsFollow follow = new EventsFollow();
        assertThat(follow.after()).as("the first question asks for every event kept").isZero();
        ObjectMapper json = new ObjectMapper();
        for (Poll p : polls) {
            List<String> printed = follow.next(json.readTree(p.answer())).stream()
                    .map((JsonNode e) -> e.path("seq").asText() + ":" + e.path("outcome").asText()).toList();
            assertThat(printed).as("printed for " + p.answer()).isEqualTo(p.printed());
            assertThat(follow.after()).as("after " + p.answer()).isEqualTo(p.after());
        }
    }
}
