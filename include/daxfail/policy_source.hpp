// Where a policy value or a preset comes from: the release that first had it,
// the commit, and the posting or review message that argued for it. Every
// built-in policy has one (`static constexpr policy_source source{...};`), so
// does every preset (presets::registry); a user's policy may. Every printer
// (explain, diff, the documentation's tables) prints it with source_line, so
// that a source reads the same everywhere.
#ifndef DAXFAIL_POLICY_SOURCE_HPP
#define DAXFAIL_POLICY_SOURCE_HPP

#include <string>
#include <string_view>

namespace daxfail {

/// Where a value comes from. A field that is not established is left empty (never guessed), and the printed line
/// says so.
struct policy_source {
    /// The first mainline release that has it ("v6.8"); for a value only a Debian kernel has, the Debian package
    /// version ("Debian 6.1.192"); for a value no kernel has, "proposed" ("proposed on the list", "proposed by
    /// daxfail").
    std::string_view version;
    /// The mainline commit id, 12 hex digits; empty where not established (and for a value no kernel has).
    std::string_view commit;
    /// The commit's subject, or the patch's subject for a value that was only posted, or what the value is where
    /// neither exists.
    std::string_view subject;
    /// The posting or review message that argued for it: list, date, author, subject, and what it argued; empty
    /// where not established.
    std::string_view argued_in;
    /// That message's Message-ID (as on lore.kernel.org, without the angle brackets); empty where not established.
    std::string_view message_id;
    friend constexpr bool operator==(const policy_source&, const policy_source&) = default;
};

/// One line: `v6.8, commit fa422b353d21 "SUBJECT"; argued in: LIST, DATE, AUTHOR, "SUBJECT": WHAT, message-id ID`,
/// with "not established" for every field that is empty ("no commit" for a proposed value, "argued in: no posting"
/// for what daxfail proposes).
inline std::string source_line(const policy_source& s) {
    const bool proposed = s.version.rfind("proposed", 0) == 0;
    std::string out(s.version.empty() ? std::string_view("version not established") : s.version);
    out += ", ";
    if (!s.commit.empty()) out.append("commit ").append(s.commit).append(" ");
    else out += proposed ? "no commit, " : "commit not established, ";
    out.append("\"").append(s.subject).append("\"; argued in: ");
    if (!s.argued_in.empty()) {
        out.append(s.argued_in).append(", message-id ");
        out += s.message_id.empty() ? std::string_view("not established") : s.message_id;
    } else {
        out += s.version == "proposed by daxfail" ? "no posting" : "not established";
    }
    return out;
}

}  // namespace daxfail

#endif
