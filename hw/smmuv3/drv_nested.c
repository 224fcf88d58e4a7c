// SPDX-License-Identifier: MIT
/*
 * drv_nested.c - the SMMUv3 driver's nesting support for iommufd
 * (torvalds/linux drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-iommufd.c):
 * nested domains from a user STE and the vIOMMU's user invalidation
 * commands. Part of the driver side described in driver.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "drv_private.h"

/* ---- nested STEs from user data ----------------------------------------- */

#define NEST_ALLOWED0                                       \
	(SMMU_STE0_V | SMMU_STE0_CONFIG | SMMU_STE0_S1FMT | \
	 SMMU_STE0_S1CTXPTR | SMMU_STE0_S1CDMAX)
#define NEST_ALLOWED1                                             \
	(SMMU_STE1_S1DSS | STE1_S1CIR | STE1_S1COR | STE1_S1CSH | \
	 SMMU_STE1_S1STALLD | SMMU_STE1_EATS)

/**
 * smmu_nested_validate() - check a user STE (struct
 * iommu_hwpt_arm_smmuv3) as arm_smmu_validate_vste does: V = 0 is fine
 * (it becomes an abort STE); otherwise only the allowed dw0/dw1 bits
 * (shared/reference/smmuv3.md 8), Config abort, bypass or stage 1, EATS
 * 0 or 1.
 * @drv: the driver (unused: the rules do not depend on the unit).
 * @ste: dw0 and dw1 as the user gave them (CPU order).
 *
 * Return: 0 or -EIO.
 */
int smmu_nested_validate(const struct smmu_drv *drv, const uint64_t ste[2])
{
	unsigned int cfg = (unsigned int)FIELD_GET(SMMU_STE0_CONFIG, ste[0]);
	unsigned int eats = (unsigned int)FIELD_GET(SMMU_STE1_EATS, ste[1]);

	(void)drv;
	if (!(ste[0] & SMMU_STE0_V))
		return 0;
	if ((ste[0] & ~NEST_ALLOWED0) || (ste[1] & ~NEST_ALLOWED1))
		return -EIO;
	if (cfg != 0 && cfg != SMMU_STE_CFG_BYPASS && cfg != SMMU_STE_CFG_S1)
		return -EIO;
	return eats > 1 ? -EIO : 0;
}

/**
 * smmu_nested_alloc() - a nested domain: the user's STE over the stage 2
 * @parent (arm_vsmmu_alloc_domain_nested). It shares the parent's VMID;
 * V = 0 is kept as all zeros, EATS is dropped (no ATS).
 * @parent: a stage 2 domain allocated with SMMU_DOMAIN_NEST_PARENT.
 * @ste: the user's dw0 and dw1.
 * @out: the domain.
 *
 * Return: 0, -EINVAL (parent), -EIO (smmu_nested_validate()), -ENOMEM.
 */
int smmu_nested_alloc(struct smmu_domain *parent, const uint64_t ste[2],
		      struct smmu_domain **out)
{
	struct smmu_domain *dom;
	int ret;

	*out = NULL;
	if (parent->kind != SMMU_DOMAIN_S2 ||
	    !(parent->flags & SMMU_DOMAIN_NEST_PARENT))
		return -EINVAL;
	ret = smmu_nested_validate(parent->drv, ste);
	if (ret)
		return ret;
	dom = calloc(1, sizeof(*dom));
	if (!dom)
		return -ENOMEM;
	dom->drv = parent->drv;
	dom->kind = SMMU_DOMAIN_NESTED;
	dom->vmid = parent->vmid;
	dom->parent = parent;
	if (ste[0] & SMMU_STE0_V) {
		dom->ste[0] = ste[0];
		dom->ste[1] = ste[1] & ~SMMU_STE1_EATS;
	}
	parent->nested_users++;
	*out = dom;
	return 0;
}

/* ---- user invalidation (arm_vsmmu_cache_invalidate) --------------------- */

/* arm_vsmmu_convert_user_cmd: the VMID or StreamID is the host's. */
static int convert_user_cmd(uint16_t vmid, uint64_t c[2],
			    smmu_vsid_fn vsid_to_sid, void *ctx)
{
	uint32_t sid;
	int ret;

	switch (FIELD_GET(SMMU_CMD_OP, c[0])) {
	case SMMU_CMD_TLBI_NSNH_ALL:
		c[0] = SMMU_CMD_TLBI_NH_ALL | FIELD_PREP(SMMU_CMD_VMID, vmid);
		c[1] = 0;
		return 0;
	case SMMU_CMD_TLBI_NH_VA:
	case SMMU_CMD_TLBI_NH_VAA:
	case SMMU_CMD_TLBI_NH_ALL:
	case SMMU_CMD_TLBI_NH_ASID:
		c[0] = (c[0] & ~SMMU_CMD_VMID) |
		       FIELD_PREP(SMMU_CMD_VMID, vmid);
		return 0;
	case SMMU_CMD_ATC_INV:
	case SMMU_CMD_CFGI_CD:
	case SMMU_CMD_CFGI_CD_ALL:
		if (!vsid_to_sid)
			return -EIO;
		ret = vsid_to_sid(ctx, (uint32_t)FIELD_GET(SMMU_CMD_SID, c[0]),
				  &sid);
		if (ret)
			return ret;
		c[0] = (c[0] & ~SMMU_CMD_SID) | FIELD_PREP(SMMU_CMD_SID, sid);
		return 0;
	default:
		return -EIO;
	}
}

/**
 * smmu_user_invalidate() - carry out a vIOMMU's invalidation commands
 * (IOMMU_HWPT_INVALIDATE on an SMMUv3 vIOMMU) by the rules of
 * arm_vsmmu_convert_user_cmd, in batches that each end with CMD_SYNC.
 * At the first command that cannot be converted the commands converted
 * before it are still issued (Linux reports them done without issuing
 * them), then its error is returned.
 * @drv: the driver.
 * @vmid: the vIOMMU's VMID (its stage 2 parent's).
 * @cmds: the commands, two little-endian qwords each.
 * @n: how many.
 * @done: how many were carried out.
 * @vsid_to_sid: virtual to physical StreamID; its error is returned as
 *               is (Linux turns every lookup failure into -EIO).
 * @ctx: for @vsid_to_sid.
 *
 * Return: 0; -EIO (an opcode not allowed, or the SMMU refused a command);
 * the error of @vsid_to_sid.
 */
int smmu_user_invalidate(struct smmu_drv *drv, uint16_t vmid,
			 const uint64_t (*cmds)[2], unsigned int n,
			 unsigned int *done, smmu_vsid_fn vsid_to_sid,
			 void *ctx)
{
	uint64_t batch[CMDQ_BATCH][2];
	unsigned int nb = 0, ran, i;
	int ret = 0, err = 0;

	*done = 0;
	for (i = 0; i < n && !err; i++) {
		batch[nb][0] = ld_le64(&cmds[i][0]);
		batch[nb][1] = ld_le64(&cmds[i][1]);
		err = convert_user_cmd(vmid, batch[nb], vsid_to_sid, ctx);
		if (!err)
			nb++;
		if (nb < CMDQ_BATCH && i + 1 < n && !err)
			continue;
		if (!nb)
			break;
		ret = drv_cmdq_submit(drv, batch, nb, &ran);
		*done += ran;
		nb = 0;
		if (ret)
			return ret;
	}
	return err;
}
