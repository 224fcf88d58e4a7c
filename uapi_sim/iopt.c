// SPDX-License-Identifier: MIT
/*
 * iopt.c - the AVL tree of an IOAS's areas. Areas never overlap, so
 * ordering by iova also orders them by last, and "the first area that
 * ends at or after x" is a plain descent. Every operation is O(log n).
 * Each node also summarises its subtree (span and largest inner hole), so
 * a first-fit search for free IOVA skips whole subtrees that cannot hold
 * the request instead of stepping over every area.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "iopt.h"

static int height(const struct iopt_area *a)
{
	return a ? a->height : 0;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/*
 * Recompute @a's height and its subtree summary from its children: the
 * span [min_iova, max_last] and the largest hole between two consecutive
 * areas inside it. Every node whose children change passes through here,
 * so the summaries stay exact at O(1) extra per rebalanced node.
 */
static void fix_height(struct iopt_area *a)
{
	const struct iopt_area *l = a->left, *r = a->right;

	a->height = (height(l) > height(r) ? height(l) : height(r)) + 1;
	a->min_iova = l ? l->min_iova : a->iova;
	a->max_last = r ? r->max_last : a->last;
	a->max_hole = 0;
	if (l)
		a->max_hole = max_u64(l->max_hole, a->iova - l->max_last - 1);
	if (r)
		a->max_hole = max_u64(a->max_hole,
				      max_u64(r->max_hole,
					      r->min_iova - a->last - 1));
}

static struct iopt_area *rotate_right(struct iopt_area *a)
{
	struct iopt_area *b = a->left;

	a->left = b->right;
	b->right = a;
	fix_height(a);
	fix_height(b);
	return b;
}

static struct iopt_area *rotate_left(struct iopt_area *a)
{
	struct iopt_area *b = a->right;

	a->right = b->left;
	b->left = a;
	fix_height(a);
	fix_height(b);
	return b;
}

static struct iopt_area *balance(struct iopt_area *a)
{
	int bf;

	fix_height(a);
	bf = height(a->left) - height(a->right);
	if (bf > 1) {
		if (height(a->left->left) < height(a->left->right))
			a->left = rotate_left(a->left);
		return rotate_right(a);
	}
	if (bf < -1) {
		if (height(a->right->right) < height(a->right->left))
			a->right = rotate_right(a->right);
		return rotate_left(a);
	}
	return a;
}

static struct iopt_area *insert(struct iopt_area *n, struct iopt_area *a)
{
	if (!n) {
		a->left = a->right = NULL;
		fix_height(a);
		return a;
	}
	if (a->iova < n->iova)
		n->left = insert(n->left, a);
	else
		n->right = insert(n->right, a);
	return balance(n);
}

/** iopt_insert() - add an area that overlaps none (checked by the caller). */
void iopt_insert(struct iopt *t, struct iopt_area *a)
{
	t->root = insert(t->root, a);
	t->nareas++;
}

static struct iopt_area *remove_min(struct iopt_area *n, struct iopt_area **min)
{
	if (!n->left) {
		*min = n;
		return n->right;
	}
	n->left = remove_min(n->left, min);
	return balance(n);
}

static struct iopt_area *remove(struct iopt_area *n, struct iopt_area *a)
{
	struct iopt_area *min, *r;

	if (!n)
		return NULL;
	if (a->iova < n->iova) {
		n->left = remove(n->left, a);
		return balance(n);
	}
	if (a->iova > n->iova) {
		n->right = remove(n->right, a);
		return balance(n);
	}
	if (!n->right)
		return n->left;
	r = remove_min(n->right, &min);
	min->right = r;
	min->left = n->left;
	return balance(min);
}

/** iopt_remove() - take @a out of the tree (the caller frees it). */
void iopt_remove(struct iopt *t, struct iopt_area *a)
{
	t->root = remove(t->root, a);
	t->nareas--;
}

/** iopt_first_at_or_after() - the first area whose last is >= @iova. */
struct iopt_area *iopt_first_at_or_after(struct iopt *t, uint64_t iova)
{
	struct iopt_area *n = t->root, *best = NULL;

	while (n) {
		if (n->last >= iova) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

/** iopt_next() - the area after @a in IOVA order, or NULL. */
struct iopt_area *iopt_next(struct iopt *t, struct iopt_area *a)
{
	return a->last == UINT64_MAX ? NULL :
				       iopt_first_at_or_after(t, a->last + 1);
}

/** iopt_overlaps() - whether any area meets [@iova, @last]. */
bool iopt_overlaps(struct iopt *t, uint64_t iova, uint64_t last)
{
	struct iopt_area *a = iopt_first_at_or_after(t, iova);

	return a && a->iova <= last;
}

static void free_tree(struct iopt_area *n)
{
	if (!n)
		return;
	free_tree(n->left);
	free_tree(n->right);
	free(n);
}

/** iopt_free_all() - free every area. */
void iopt_free_all(struct iopt *t)
{
	free_tree(t->root);
	t->root = NULL;
	t->nareas = 0;
}

struct hole_req {
	uint64_t lo, hi; /* the candidate must lie inside [lo, hi] */
	uint64_t length, step, off;
};

/* The lowest candidate = off (mod step) in both [s, e] and [lo, hi]. */
static bool fit(const struct hole_req *q, uint64_t s, uint64_t e, uint64_t *out)
{
	uint64_t cand, last;

	s = max_u64(s, q->lo);
	e = e < q->hi ? e : q->hi;
	if (s > e)
		return false;
	cand = s - (s - q->off) % q->step;
	if (cand < s && __builtin_add_overflow(cand, q->step, &cand))
		return false;
	if (__builtin_add_overflow(cand, q->length - 1, &last) || last > e)
		return false;
	*out = cand;
	return true;
}

/*
 * First fit among the holes of subtree @n, the hole in front of it
 * (starting at @gs) included. Subtrees wholly below lo, wholly above hi,
 * or with no hole as long as the request are skipped unvisited.
 */
static bool search(const struct iopt_area *n, uint64_t gs,
		   const struct hole_req *q, uint64_t *out)
{
	uint64_t front;

	if (!n || n->max_last < q->lo || gs > q->hi)
		return false;
	front = n->min_iova - gs; /* size of the hole in front */
	if (max_u64(n->max_hole, front) < q->length)
		return false;
	if (search(n->left, gs, q, out))
		return true;
	gs = n->left ? n->left->max_last + 1 : gs;
	if (n->iova > gs && fit(q, gs, n->iova - 1, out))
		return true;
	return n->last != UINT64_MAX && search(n->right, n->last + 1, q, out);
}

/**
 * iopt_find_hole() - the lowest IOVA in [@lo, @hi], congruent to @off
 * modulo @step, where @length bytes touch no area; 0 and *@out set when
 * found, -1 otherwise. O(log n) unless many holes are long enough but
 * fail alignment or bounds.
 */
int iopt_find_hole(const struct iopt *t, uint64_t lo, uint64_t hi,
		   uint64_t length, uint64_t step, uint64_t off, uint64_t *out)
{
	const struct hole_req q = { lo, hi, length, step, off };
	const struct iopt_area *root = t->root;

	if (!length || !step || lo > hi)
		return -1;
	if (!root)
		return fit(&q, 0, UINT64_MAX, out) ? 0 : -1;
	if (search(root, 0, &q, out))
		return 0;
	if (root->max_last == UINT64_MAX)
		return -1;
	return fit(&q, root->max_last + 1, UINT64_MAX, out) ? 0 : -1;
}
