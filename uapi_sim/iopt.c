// SPDX-License-Identifier: MIT
/*
 * iopt.c - the AVL tree of an IOAS's areas. Areas never overlap, so
 * ordering by iova also orders them by last, and "the first area that
 * ends at or after x" is a plain descent. Every operation is O(log n).
 */
#include <stdlib.h>

#include "iopt.h"

static int height(const struct iopt_area *a)
{
	return a ? a->height : 0;
}

static void fix_height(struct iopt_area *a)
{
	int l = height(a->left), r = height(a->right);

	a->height = (l > r ? l : r) + 1;
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
		a->height = 1;
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
