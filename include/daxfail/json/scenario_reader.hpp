// Reads a scenario file (the format is documented field by field in
// examples/scenarios/scenario.schema.json and in docs/scenario-format.md). Every problem
// is reported with the JSON path of the offending field and the reason, e.g.
//   tasks[2].vmas[0].ino: no inode 133 in the filesystem
// and a document with any error yields no scenario at all.
#ifndef DAXFAIL_JSON_SCENARIO_READER_HPP
#define DAXFAIL_JSON_SCENARIO_READER_HPP

#include <daxfail/json/parse.hpp>
#include <daxfail/json/read_actors.hpp>
#include <daxfail/json/reader_state.hpp>
#include <daxfail/scenario.hpp>
#include <daxfail/validate.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <new>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace daxfail::json {

namespace detail {

/// Reads one document; keeps where every world element came from, so that
/// errors found by validate() on the world can be reported at JSON paths.
class scenario_reader : public element_sink, private actor_reader {
public:
    /// Reads `doc`; with streaming, `doc` is the document being parsed, whose inodes[] and tasks[] come as
    /// elements (element_sink) when the fields they depend on precede them in the file.
    explicit scenario_reader(const nlohmann::json& doc) : actor_reader(doc) {}

    /// The parsed document, once the parse that streamed into this reader has ended.
    void rebind(const nlohmann::json& doc) { doc_ = &doc; }

    load_result read() {
        load_result result;
        if (!r_.object(doc(), "(document)")) return finish(std::move(result));
        if (!doc().empty() && !doc().contains("devices") && !doc().contains("filesystem") && !doc().contains("event")) {
            // Another kind of JSON (a report, a plan): one line, not one per field.
            std::string keys;
            std::size_t listed = 0;
            for (const auto& item : doc().items())
                if (listed++ < 5) keys += (keys.empty() ? "" : ", ") + daxfail::detail::printable(item.key(), 40);
            r_.fail("(document)", "is not a scenario file: it has none of devices, filesystem and event (its fields: " +
                                      keys + (doc().size() > 5 ? ", ..." : "") + ")");
            return finish(std::move(result));
        }
        begin();
        if (!stopped_) {
            if (!streamed_inodes_) read_inodes();
            if (!streamed_tasks_) read_tasks();
        }
        phase(phase_top);  // read once the whole document is there: a file may give its name last
        r_.only_keys(doc(), "", {"name", "description", "devices", "filesystem", "inodes", "tasks",
                                "early_kill_sysctl", "hwpoison", "event", "actors", "$schema"});
        // Both optional (the schema says so): a file's name defaults to its stem (load_scenario_file).
        sc_.name = r_.string(doc(), "", "name", "").value_or("");
        sc_.description = r_.string(doc(), "", "description", "").value_or("");
        if (stopped_) return finish(std::move(result));
        phase(phase_rest);
        w_.early_kill_sysctl = r_.boolean(doc(), "", "early_kill_sysctl", false).value_or(false);
        bool all_poisoned = false;
        if (auto poison = r_.page_set(doc(), "", "hwpoison", all_poisoned, "none")) {
            if (all_poisoned) r_.fail("hwpoison", "must list pfns (numbers or {\"first\", \"pages\"} runs)");
            w_.hwpoison = *poison;
        }
        read_event();
        if (r_.errors.empty()) {
            for (auto& e : validate(w_, sc_.event))
                if (!maps_a_file_not_laid_out(e.where)) r_.errors.push_back(paths_.translate(e));
        }
        if (r_.errors.empty()) read_actors();
        if (r_.errors.empty()) {  // moved: at a million extents a copy is another 100 MiB
            sc_.world = std::move(w_);
            result.value = std::move(sc_);
        }
        return finish(std::move(result));
    }

    bool streams(const std::string& key, const nlohmann::json& root) override {
        if (key == "inodes" && root.contains("devices") && root.contains("filesystem")) {
            doc_ = &root;
            begin();
            streamed_inodes_ = true;
            return true;
        }
        if (key == "tasks" && streamed_inodes_) return streamed_tasks_ = true;
        return false;
    }

    void element(const std::string& key, std::size_t index, const nlohmann::json& value) override {
        if (stopped_) return;
        if (key == "inodes") {
            phase(phase_inodes);
            if (++inode_count_ <= max_inodes) read_inode(index, value);
        } else {
            phase(phase_tasks);
            if (++task_count_ <= max_tasks) read_task(index, value);
        }
    }

    void array_end(const std::string& key, std::size_t count) override {
        if (stopped_) return;
        if (key == "inodes") {
            phase(phase_inodes);
            if (count > max_inodes) over_limit("inodes", count, max_inodes, phase_inodes);
            else layout();
        } else if (count > max_tasks) {
            phase(phase_tasks);
            over_limit("tasks", count, max_tasks, phase_tasks);
        }
    }

private:
    /// The reader's phases, in the order a document's errors are listed whatever order its fields come in.
    enum phase_id : int { phase_top, phase_devices, phase_filesystem, phase_inodes, phase_tasks, phase_rest };

    /// From now on, errors belong to phase `p`.
    void phase(phase_id p) {
        if (phases_.empty() || phases_.back().second != p) phases_.push_back({r_.errors.size(), p});
    }

    /// Devices and filesystem: once, before anything that depends on them.
    void begin() {
        if (begun_) return;
        begun_ = true;
        phase(phase_devices);
        read_devices();
        if (!r_.errors.empty()) {  // everything below indexes devices
            stopped_ = true;
            return;
        }
        phase(phase_filesystem);
        read_filesystem();
    }

    /// inodes[], when it was not streamed.
    void read_inodes() {
        phase(phase_inodes);
        const auto& inodes = r_.limited(r_.array(doc(), "", "inodes"), "inodes", max_inodes, "inodes");
        for (std::size_t i = 0; i < inodes.size(); ++i) read_inode(i, inodes[i]);
        layout();
    }

    /// tasks[], when it was not streamed.
    void read_tasks() {
        phase(phase_tasks);
        const auto& tasks = r_.limited(r_.array(doc(), "", "tasks"), "tasks", max_tasks, "tasks");
        for (std::size_t i = 0; i < tasks.size(); ++i) read_task(i, tasks[i]);
    }

    /// Whether a validate() error is about a mapping of a file given by size that was not laid out because its
    /// section does not fit its device (an error of its own).
    bool maps_a_file_not_laid_out(const world_location& at) const {
        if (not_laid_out_.empty() || at.what != world_location::object::vma || at.index >= w_.tasks.size()) return false;
        const auto& vmas = w_.tasks[at.index].vmas;
        return at.sub < vmas.size() && not_laid_out_.count(vmas[at.sub].ino);
    }

    /// A streamed array beyond its limit: its elements' own errors give way to that one.
    void over_limit(const char* what, std::size_t count, std::size_t max, phase_id p) {
        limit_errors_.push_back({p, {what, std::to_string(count) + " " + what + "; the limit is " + std::to_string(max)}});
    }

    /// The errors in phase order (each phase's in the order found); with an error in the document's top level or
    /// its devices, only those (nothing after the devices was read in a way that can be trusted).
    void order_errors() {
        std::vector<std::pair<int, validation_error>> tagged;
        std::size_t seg = 0;
        for (std::size_t i = 0; i < r_.errors.size(); ++i) {
            while (seg + 1 < phases_.size() && phases_[seg + 1].first <= i) ++seg;
            const int p = phases_.empty() ? phase_top : phases_[seg].second;
            bool replaced = false;
            for (const auto& l : limit_errors_) replaced = replaced || l.first == p;
            if (!replaced) tagged.push_back({p, std::move(r_.errors[i])});
        }
        for (auto& l : limit_errors_) tagged.push_back(std::move(l));
        std::stable_sort(tagged.begin(), tagged.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        bool early = false;
        for (const auto& t : tagged) early = early || t.first <= phase_devices;
        r_.errors.clear();
        for (auto& t : tagged)
            if (!early || t.first <= phase_devices) r_.errors.push_back(std::move(t.second));
    }

    /// The file's errors, one per defect: an error on a field the file does not have names the object that has
    /// it and says what the default was derived from, unless that object already has an error of its own (the
    /// default then only repeats it); identical errors are reported once.
    load_result finish(load_result r) {
        order_errors();
        r.layout = layout_;
        // The defaulted field an error path is in (the path itself or a prefix of it), by prefix lookups.
        auto derived_key = [&](const std::string& path) -> const std::pair<const std::string, std::string>* {
            for (std::size_t end = 1; end <= path.size(); ++end) {
                if (end < path.size() && path[end] != '.' && path[end] != '[') continue;
                if (auto it = derived_.find(path.substr(0, end)); it != derived_.end()) return &*it;
            }
            return nullptr;
        };
        std::set<std::string> plain;  // paths of errors on fields the file has
        for (const auto& e : r_.errors)
            if (!derived_key(e.path)) plain.insert(e.path);
        auto has_plain_under = [&](const std::string& parent) {
            if (plain.count(parent)) return true;
            for (const char* sep : {".", "["}) {
                auto it = plain.lower_bound(parent + sep);
                if (it != plain.end() && it->rfind(parent + sep, 0) == 0) return true;
            }
            return false;
        };
        std::vector<validation_error> out;
        std::set<std::pair<std::string, std::string>> seen;
        std::size_t more = 0;
        for (auto e : r_.errors) {
            if (auto it = renamed_.find(e.path); it != renamed_.end()) e.path = it->second;
            if (const auto* d = derived_key(e.path)) {
                const std::string parent = d->first.substr(0, d->first.rfind('.'));
                if (has_plain_under(parent)) continue;  // the default only repeats that error
                e.reason = d->second + ": " + e.reason;
                e.path = parent;
            }
            if (!seen.insert({e.path, e.reason}).second) continue;
            if (out.size() < max_errors) out.push_back(std::move(e));
            else ++more;
        }
        if (more) out.push_back({"(document)", "and " + std::to_string(more) + " more errors (at most " +
                                                   std::to_string(max_errors) + " are listed)"});
        r.errors = std::move(out);
        return r;
    }

    bool begun_ = false, stopped_ = false, streamed_inodes_ = false, streamed_tasks_ = false;
    std::size_t inode_count_ = 0, task_count_ = 0;
    std::vector<std::pair<std::size_t, int>> phases_;  ///< (first error index, phase), in the order phases began
    std::vector<std::pair<int, validation_error>> limit_errors_;  ///< a streamed array over its limit
};

}  // namespace detail

/// Reads a parsed document. Never throws: running out of memory on an absurd document is an error too.
inline load_result scenario_from_json(const nlohmann::json& doc) {
    try {
        return detail::scenario_reader(doc).read();
    } catch (const std::bad_alloc&) {
        load_result r;
        r.errors.push_back({"(document)", "describes more than fits in memory (see the documented limits)"});
        return r;
    } catch (const std::length_error&) {
        load_result r;
        r.errors.push_back({"(document)", "describes more than fits in memory (see the documented limits)"});
        return r;
    }
}

namespace detail {

/// Runs `parse(sink)` (which returns a parse_result) with a reader as the sink, then reads what is left.
template <class Parse>
load_result read_streamed(Parse parse) {
    try {
        static const nlohmann::json nothing_yet;
        scenario_reader reader(nothing_yet);
        auto parsed = parse(static_cast<element_sink*>(&reader));
        if (!parsed.errors.empty()) {
            load_result r;
            r.errors = std::move(parsed.errors);
            return r;
        }
        reader.rebind(parsed.doc);
        return reader.read();
    } catch (const std::bad_alloc&) {
    } catch (const std::length_error&) {
    }
    load_result r;
    r.errors.push_back({"(document)", "describes more than fits in memory (see the documented limits)"});
    return r;
}

}  // namespace detail

/// Parses and reads scenario text; a syntax error is reported with its line, column and field. The elements of
/// inodes[] and tasks[] are read as they are parsed (when devices and filesystem come before them, as in every
/// file daxfail writes), so the document never holds them all at once.
inline load_result scenario_from_text(const std::string& text) {
    return detail::read_streamed([&](element_sink* sink) { return parse_scenario_text(text, sink); });
}

/// Reads a scenario file; errors are prefixed with nothing, the caller names the file. A file
/// without a "name" is named after its stem.
inline load_result load_scenario_file(const std::string& path) {
    auto fail = [&](const std::string& reason) {
        load_result r;
        r.errors.push_back({"", reason});
        return r;
    };
    std::error_code ec;
    const std::filesystem::path fp(path);
    if (!std::filesystem::exists(fp, ec)) return fail("no such file");
    if (std::filesystem::is_directory(fp, ec)) return fail("is a directory");
    if (std::filesystem::is_regular_file(fp, ec)) {
        const auto size = std::filesystem::file_size(fp, ec);
        if (!ec && size > max_file_bytes)
            return fail("is " + std::to_string(size) + " bytes, more than the limit of " + std::to_string(max_file_bytes) +
                        " bytes (1 GiB)");
    }
    if (std::filesystem::is_regular_file(fp, ec)) {  // read as it is parsed
        auto r = detail::read_streamed([&](element_sink* sink) { return parse_scenario_file(path, sink); });
        if (r.value && r.value->name.empty()) r.value->name = fp.stem().string();
        return r;
    }
    std::ifstream in(path, std::ios::binary);  // a pipe or a device: the text, up to the limit
    if (!in) return fail("cannot be opened");
    std::string text;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_file_bytes)
            return fail("is more than the limit of " + std::to_string(max_file_bytes) + " bytes (1 GiB)");
    }
    if (in.bad()) return fail("cannot be read");
    auto r = scenario_from_text(text);
    if (r.value && r.value->name.empty()) r.value->name = fp.stem().string();
    return r;
}

}  // namespace daxfail::json

#endif
