"""Placing the 細事業一覧's components into their sub-projects, and numbering bare names.

Each sub-project's components are numbered 1..k; a name close to a sub-project's name
settles it; components that speak alike stay together; the order the text comes out in
follows the sub-projects' order as far as it can.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from itertools import combinations

from hyoka.importers._layout import Line, similarity
from hyoka.importers._text_components import Draft
from hyoka.importers._text_subheads import SECTION, Anchor, is_table_label
from hyoka.importers.errors import ImportNotes


def place(
    drafts: list[Draft],
    heads: Sequence[Anchor],
    head_pages: Sequence[set[int]],
    lone_numbers: Sequence[int],
    notes: ImportNotes,
    beside: Mapping[int, int] | None = None,
) -> None:
    """Give each component a sub-project and a number.

    A component the text runs into from a sub-project's 決算額 row (``beside``, see
    ``beside_rows``) is that one's; so is one whose name is close to one sub-project's
    name. The others
    are placed so that every sub-project's numbers run 1..k with the lone digits of the
    page filling the gaps, components that speak alike stay together and the order in
    which the text comes out follows the sub-projects' order as far as it can.
    """
    count = len(heads)
    candidates = [
        [j for j in range(count) if d.name.page in head_pages[j]] or list(range(count))
        for d in drafts
    ]
    affinity = [
        [max(similarity(d.name.text, h.name), similarity(d.text, h.name)) for h in heads]
        for d in drafts
    ]
    pinned = dict(beside or {})
    for index, options in enumerate(candidates):
        if index in pinned:
            continue
        best = max(options, key=lambda j: affinity[index][j])
        if affinity[index][best] >= _PIN:
            pinned[index] = best
    alike = [[0.0] * len(drafts) for _ in drafts]
    for i, j in combinations(range(len(drafts)), 2):
        alike[i][j] = alike[j][i] = similarity(drafts[i].text, drafts[j].text)
    lone = Counter(lone_numbers)

    order = sorted(range(len(drafts)), key=lambda i: drafts[i].position)
    numbers = [d.number for d in drafts]

    def score(homes: Sequence[int]) -> float:
        groups: list[list[int | None]] = [[] for _ in range(count)]
        members: list[list[int]] = [[] for _ in range(count)]
        for index, home in enumerate(homes):
            groups[home].append(numbers[index])
            members[home].append(index)
        value = -10.0 * _numbering_faults(groups, lone)
        if len(drafts) >= count:
            value -= 5.0 * sum(1 for group in groups if not group)
        for i, home in enumerate(homes):
            value += 3 * affinity[i][home] + max(alike[i][j] for j in members[home])
        return value - 0.5 * _inversions(homes, order, count)

    best_affinity = [3 * max(affinity[i][j] for j in candidates[i]) for i in range(len(drafts))]
    alike_cap = sum(max(row, default=0.0) for row in alike)

    def bound(homes: Sequence[int]) -> float:
        """The most any completion of ``homes`` (-1 = not placed yet) can score: the
        numbering faults and order inversions so far only grow, affinity is at best each
        unplaced component's best, and likeness at best each one's closest match."""
        value = alike_cap
        known: list[set[int]] = [set() for _ in range(count)]
        for i, home in enumerate(homes):
            if home < 0:
                value += best_affinity[i]
                continue
            value += 3 * affinity[i][home]
            number = numbers[i]
            if number is not None:
                if number in known[home]:
                    value -= 10.0
                known[home].add(number)
        return value - 0.5 * _inversions(homes, order, count)

    free = [i for i in range(len(drafts)) if i not in pinned]
    homes = [pinned.get(i, candidates[i][0]) for i in range(len(drafts))]
    homes = _search(_climb(homes, free, candidates, score), free, candidates, score, bound)
    for index, draft in enumerate(drafts):
        draft.home = homes[index]
    _number(drafts, heads, lone, notes)
    for index, draft in enumerate(drafts):
        if beside and index in beside:
            why = "細事業の決算額の行との並び"
        elif index in pinned:
            why = "名称の類似"
        else:
            why = "番号の並び・内容の類似・配置"
        notes.inferred_in(
            SECTION,
            f"取組「{draft.name.text}」を細事業{heads[homes[index]].number}に対応させました"
            f"({why}から推定)",
            draft.name.first,
        )


_PIN = 0.5  # name similarity that settles a component's sub-project
_NODES = 50_000  # partial placements the exact search may visit before it settles
# Work that the search and the climb may each do, in steps of a score (which costs up to
# the square of the components: likeness within each group). A real sheet (a dozen
# components; < 1,000 visits) stays far inside it and gets the exact answer; text of many
# sheets run together is settled by the best placement found so far instead of running
# for minutes.
_WORK = 5_000_000


def _budget(components: int) -> int:
    """Visits (search) or tries (climb) allowed for this many components."""
    return max(1, min(_NODES, _WORK // max(1, components) ** 2))


def _inversions(homes: Sequence[int], order: Sequence[int], count: int) -> int:
    """Pairs of placed components (home >= 0) that come out in the text in the opposite
    order of their sub-projects: O(n log k) with a Fenwick tree over the k homes."""
    tree = [0] * (count + 1)
    placed = inversions = 0
    for index in order:
        home = homes[index]
        if home < 0:
            continue
        position, not_after = home + 1, 0
        while position > 0:
            not_after += tree[position]
            position -= position & -position
        inversions += placed - not_after
        placed += 1
        position = home + 1
        while position <= count:
            tree[position] += 1
            position += position & -position
    return inversions


def _search(
    start: list[int],
    free: Sequence[int],
    candidates: Sequence[Sequence[int]],
    score: Callable[[Sequence[int]], float],
    bound: Callable[[Sequence[int]], float],
) -> list[int]:
    """The best placement, by branch and bound from a good first answer (``start``).

    Components are placed one at a time in the order of ``free``, each sub-project in
    the order of its candidates, and a branch is dropped when ``bound`` says it cannot
    beat the best so far; so the answer is the first best one in that order, the same as
    trying every placement, at a small part of the cost. Past ``_budget`` visits the best
    found so far (never worse than ``start``) is kept.
    """
    limit = _budget(len(start))
    best_value, best = score(start) - 1e-9, list(start)
    trial = list(start)
    for i in free:
        trial[i] = -1
    visits = 0

    def visit(depth: int) -> None:
        nonlocal best_value, best, visits
        if depth == len(free):
            value = score(trial)
            if value > best_value:
                best_value, best = value, list(trial)
            return
        index = free[depth]
        for home in candidates[index]:
            visits += 1
            if visits > limit:
                break
            trial[index] = home
            if bound(trial) >= best_value - 1e-6:
                visit(depth + 1)
        trial[index] = -1

    visit(0)
    return best


def _climb(
    homes: list[int],
    free: Sequence[int],
    candidates: Sequence[Sequence[int]],
    score: Callable[[Sequence[int]], float],
) -> list[int]:
    """Move one component at a time, or a run of components together, while it helps
    (at most ``_budget`` tries)."""
    current = score(homes)
    tries = _budget(len(homes))
    improved = True
    while improved and tries > 0:
        improved = False
        for size in (1, 2, 3):
            for start in range(len(free) - size + 1):
                group = free[start : start + size]
                for target in candidates[group[0]]:
                    if any(target not in candidates[i] for i in group):
                        continue  # a run moves only where each of its parts may go
                    tries -= 1
                    if tries < 0:
                        return homes
                    trial = list(homes)
                    for i in group:
                        trial[i] = target
                    value = score(trial)
                    if value > current + 1e-9:
                        homes, current, improved = trial, value, True
    return homes


def _numbering_faults(groups: Sequence[Sequence[int | None]], lone: Counter[int]) -> int:
    """How far the groups are from each numbering 1..k, the gaps filled by lone digits."""
    faults = 0
    needed: Counter[int] = Counter()
    for numbers in groups:
        known = [n for n in numbers if n is not None]
        faults += len(known) - len(set(known))
        faults += sum(1 for n in set(known) if n > len(numbers))
        needed.update(n for n in range(1, len(numbers) + 1) if n not in known)
    return faults + max(sum((needed - lone).values()), sum((lone - needed).values()))


def _number(
    drafts: Sequence[Draft], heads: Sequence[Anchor], lone: Counter[int], notes: ImportNotes
) -> None:
    """Bare names take the numbers their sub-project lacks, in the order they come out."""
    for index, head in enumerate(heads):
        mine = [d for d in drafts if d.home == index]
        known = {d.number for d in mine if d.number is not None}
        gaps = [n for n in range(1, len(mine) + 1) if n not in known]
        bare = sorted((d for d in mine if d.number is None), key=lambda d: d.name.first)
        for draft in bare:
            if gaps:
                draft.number = gaps.pop(0)
                source = "離れて書かれた番号" if lone[draft.number] else "番号の欠け"
                lone[draft.number] -= 1
                notes.inferred_in(
                    SECTION,
                    f"細事業{head.number}の取組「{draft.name.text}」の番号{draft.number}を"
                    f"{source}から推定しました",
                    draft.name.first,
                )
            else:
                draft.number = max(known | {0}) + 1
                known.add(draft.number)
                notes.missing_in(
                    SECTION,
                    f"細事業{head.number}の取組「{draft.name.text}」の番号が見つかりません",
                    draft.name.first,
                )


def beside_rows(
    pages: Sequence[Sequence[Line]], row_lines: Sequence[Line], drafts: Sequence[Draft]
) -> dict[int, int]:
    """Components (by index) whose box the text runs into from a sub-project's 決算額 row.

    The row is the header line of its sub-project's box in the list's table. When the
    extracted text goes straight on from it, past nothing but the table's own labels
    (千円, 決算額, column heads) on the same page, into a component box — or comes to it
    from one — that box is drawn against the header: the first or last row of that same
    sub-project's box. The page's own header (事業番号, the stage boxes), a heading, a
    digit or another row break the run. A box next to two sub-projects' rows is left out.
    """
    owner = {
        number: index
        for index, draft in enumerate(drafts)
        for part in (draft.name, *draft.descs, *draft.outputs)
        for number in part.line_numbers
    }
    found: dict[int, set[int]] = {}
    for page in pages:
        texts = [line for line in page if line.text]
        position = {line.number: k for k, line in enumerate(texts)}
        for head, row in enumerate(row_lines):
            if row.number not in position:
                continue
            for step in (1, -1):
                k = position[row.number] + step
                while 0 <= k < len(texts) and is_table_label(texts[k].text):
                    k += step
                if 0 <= k < len(texts) and texts[k].number in owner:
                    found.setdefault(owner[texts[k].number], set()).add(head)
    return {draft: heads.pop() for draft, heads in found.items() if len(heads) == 1}
