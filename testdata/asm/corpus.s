# corpus.s: every RV64IMAFD and Zicsr instruction, every pseudo-instruction ipcsim's
# assembler knows, li constants, labels and data directives. scripts/asm-oracle.sh
# assembles it with GNU as and records the bytes in corpus.golden; the Go test
# (sim/asm/corpus_test.go) checks that package asm produces the same bytes.
# Generated once by a script, then edited by hand; keep one statement per line.

        .option norelax
        .attribute arch, "rv64i2p1_m2p0_a2p1_f2p2_d2p2_zicsr2p0_zifencei2p0"
        .file "corpus.s"
        .globl _start
        .equ ANSWER, 42
        .set MASK, 0xff << 8
        BIG = 0x123456789
        .text
_start:

# R-type: register extremes
        add zero, zero, zero
        add ra, sp, gp
        add t6, t5, t4
        add x31, x0, x15
        add fp, s11, a7
        sub zero, zero, zero
        sub ra, sp, gp
        sub t6, t5, t4
        sub x31, x0, x15
        sub fp, s11, a7
        sll zero, zero, zero
        sll ra, sp, gp
        sll t6, t5, t4
        sll x31, x0, x15
        sll fp, s11, a7
        slt zero, zero, zero
        slt ra, sp, gp
        slt t6, t5, t4
        slt x31, x0, x15
        slt fp, s11, a7
        sltu zero, zero, zero
        sltu ra, sp, gp
        sltu t6, t5, t4
        sltu x31, x0, x15
        sltu fp, s11, a7
        xor zero, zero, zero
        xor ra, sp, gp
        xor t6, t5, t4
        xor x31, x0, x15
        xor fp, s11, a7
        srl zero, zero, zero
        srl ra, sp, gp
        srl t6, t5, t4
        srl x31, x0, x15
        srl fp, s11, a7
        sra zero, zero, zero
        sra ra, sp, gp
        sra t6, t5, t4
        sra x31, x0, x15
        sra fp, s11, a7
        or zero, zero, zero
        or ra, sp, gp
        or t6, t5, t4
        or x31, x0, x15
        or fp, s11, a7
        and zero, zero, zero
        and ra, sp, gp
        and t6, t5, t4
        and x31, x0, x15
        and fp, s11, a7
        addw zero, zero, zero
        addw ra, sp, gp
        addw t6, t5, t4
        addw x31, x0, x15
        addw fp, s11, a7
        subw zero, zero, zero
        subw ra, sp, gp
        subw t6, t5, t4
        subw x31, x0, x15
        subw fp, s11, a7
        sllw zero, zero, zero
        sllw ra, sp, gp
        sllw t6, t5, t4
        sllw x31, x0, x15
        sllw fp, s11, a7
        srlw zero, zero, zero
        srlw ra, sp, gp
        srlw t6, t5, t4
        srlw x31, x0, x15
        srlw fp, s11, a7
        sraw zero, zero, zero
        sraw ra, sp, gp
        sraw t6, t5, t4
        sraw x31, x0, x15
        sraw fp, s11, a7
        mul zero, zero, zero
        mul ra, sp, gp
        mul t6, t5, t4
        mul x31, x0, x15
        mul fp, s11, a7
        mulh zero, zero, zero
        mulh ra, sp, gp
        mulh t6, t5, t4
        mulh x31, x0, x15
        mulh fp, s11, a7
        mulhsu zero, zero, zero
        mulhsu ra, sp, gp
        mulhsu t6, t5, t4
        mulhsu x31, x0, x15
        mulhsu fp, s11, a7
        mulhu zero, zero, zero
        mulhu ra, sp, gp
        mulhu t6, t5, t4
        mulhu x31, x0, x15
        mulhu fp, s11, a7
        div zero, zero, zero
        div ra, sp, gp
        div t6, t5, t4
        div x31, x0, x15
        div fp, s11, a7
        divu zero, zero, zero
        divu ra, sp, gp
        divu t6, t5, t4
        divu x31, x0, x15
        divu fp, s11, a7
        rem zero, zero, zero
        rem ra, sp, gp
        rem t6, t5, t4
        rem x31, x0, x15
        rem fp, s11, a7
        remu zero, zero, zero
        remu ra, sp, gp
        remu t6, t5, t4
        remu x31, x0, x15
        remu fp, s11, a7
        mulw zero, zero, zero
        mulw ra, sp, gp
        mulw t6, t5, t4
        mulw x31, x0, x15
        mulw fp, s11, a7
        divw zero, zero, zero
        divw ra, sp, gp
        divw t6, t5, t4
        divw x31, x0, x15
        divw fp, s11, a7
        divuw zero, zero, zero
        divuw ra, sp, gp
        divuw t6, t5, t4
        divuw x31, x0, x15
        divuw fp, s11, a7
        remw zero, zero, zero
        remw ra, sp, gp
        remw t6, t5, t4
        remw x31, x0, x15
        remw fp, s11, a7
        remuw zero, zero, zero
        remuw ra, sp, gp
        remuw t6, t5, t4
        remuw x31, x0, x15
        remuw fp, s11, a7
# I-type: immediate extremes
        addi a0, a0, -2048
        addi t6, x31, 2047
        addi zero, zero, 0
        addi s0, fp, -1
        addi ra, sp, 1
        addi a5, a4, 0x7ff
        addi a3, a2, -0x800
        slti a0, a0, -2048
        slti t6, x31, 2047
        slti zero, zero, 0
        slti s0, fp, -1
        slti ra, sp, 1
        slti a5, a4, 0x7ff
        slti a3, a2, -0x800
        sltiu a0, a0, -2048
        sltiu t6, x31, 2047
        sltiu zero, zero, 0
        sltiu s0, fp, -1
        sltiu ra, sp, 1
        sltiu a5, a4, 0x7ff
        sltiu a3, a2, -0x800
        xori a0, a0, -2048
        xori t6, x31, 2047
        xori zero, zero, 0
        xori s0, fp, -1
        xori ra, sp, 1
        xori a5, a4, 0x7ff
        xori a3, a2, -0x800
        ori a0, a0, -2048
        ori t6, x31, 2047
        ori zero, zero, 0
        ori s0, fp, -1
        ori ra, sp, 1
        ori a5, a4, 0x7ff
        ori a3, a2, -0x800
        andi a0, a0, -2048
        andi t6, x31, 2047
        andi zero, zero, 0
        andi s0, fp, -1
        andi ra, sp, 1
        andi a5, a4, 0x7ff
        andi a3, a2, -0x800
        addiw a0, a0, -2048
        addiw t6, x31, 2047
        addiw zero, zero, 0
        addiw s0, fp, -1
        addiw ra, sp, 1
        addiw a5, a4, 0x7ff
        addiw a3, a2, -0x800
# Shifts: 0 .. 63 (0 .. 31 for the W forms)
        slli a0, a1, 0
        slli t6, x31, 63
        slli s1, s2, 1
        slli ra, sp, 31
        srli a0, a1, 0
        srli t6, x31, 63
        srli s1, s2, 1
        srli ra, sp, 31
        srai a0, a1, 0
        srai t6, x31, 63
        srai s1, s2, 1
        srai ra, sp, 31
        slliw a0, a1, 0
        slliw t6, x31, 31
        slliw s1, s2, 1
        slliw ra, sp, 15
        srliw a0, a1, 0
        srliw t6, x31, 31
        srliw s1, s2, 1
        srliw ra, sp, 15
        sraiw a0, a1, 0
        sraiw t6, x31, 31
        sraiw s1, s2, 1
        sraiw ra, sp, 15
# Loads and stores: offset extremes and the (reg) form
        lb a0, -2048(sp)
        lb t6, 2047(x31)
        lb zero, 0(zero)
        lb s0, (a0)
        lb ra, 8(fp)
        lh a0, -2048(sp)
        lh t6, 2047(x31)
        lh zero, 0(zero)
        lh s0, (a0)
        lh ra, 8(fp)
        lw a0, -2048(sp)
        lw t6, 2047(x31)
        lw zero, 0(zero)
        lw s0, (a0)
        lw ra, 8(fp)
        ld a0, -2048(sp)
        ld t6, 2047(x31)
        ld zero, 0(zero)
        ld s0, (a0)
        ld ra, 8(fp)
        lbu a0, -2048(sp)
        lbu t6, 2047(x31)
        lbu zero, 0(zero)
        lbu s0, (a0)
        lbu ra, 8(fp)
        lhu a0, -2048(sp)
        lhu t6, 2047(x31)
        lhu zero, 0(zero)
        lhu s0, (a0)
        lhu ra, 8(fp)
        lwu a0, -2048(sp)
        lwu t6, 2047(x31)
        lwu zero, 0(zero)
        lwu s0, (a0)
        lwu ra, 8(fp)
        sb a0, -2048(sp)
        sb t6, 2047(x31)
        sb zero, 0(zero)
        sb s0, (a0)
        sb ra, -8(fp)
        sh a0, -2048(sp)
        sh t6, 2047(x31)
        sh zero, 0(zero)
        sh s0, (a0)
        sh ra, -8(fp)
        sw a0, -2048(sp)
        sw t6, 2047(x31)
        sw zero, 0(zero)
        sw s0, (a0)
        sw ra, -8(fp)
        sd a0, -2048(sp)
        sd t6, 2047(x31)
        sd zero, 0(zero)
        sd s0, (a0)
        sd ra, -8(fp)
# Upper immediates
        lui a0, 0
        lui t6, 0xfffff
        lui zero, 1
        lui sp, 0x80000
        lui s1, 0x7ffff
        lui x31, 12345
        auipc a0, 0
        auipc t6, 0xfffff
        auipc zero, 1
        auipc sp, 0x80000
        auipc s1, 0x7ffff
        auipc x31, 12345
# Branches: backward, forward, and the extreme offsets -4096 and +4094
branch_back:
        beq a0, a1, branch_back
        beq zero, x31, branch_fwd
        beq t6, zero, . - 4096
        beq s0, s11, . + 4094
        beq ra, sp, .
        bne a0, a1, branch_back
        bne zero, x31, branch_fwd
        bne t6, zero, . - 4096
        bne s0, s11, . + 4094
        bne ra, sp, .
        blt a0, a1, branch_back
        blt zero, x31, branch_fwd
        blt t6, zero, . - 4096
        blt s0, s11, . + 4094
        blt ra, sp, .
        bge a0, a1, branch_back
        bge zero, x31, branch_fwd
        bge t6, zero, . - 4096
        bge s0, s11, . + 4094
        bge ra, sp, .
        bltu a0, a1, branch_back
        bltu zero, x31, branch_fwd
        bltu t6, zero, . - 4096
        bltu s0, s11, . + 4094
        bltu ra, sp, .
        bgeu a0, a1, branch_back
        bgeu zero, x31, branch_fwd
        bgeu t6, zero, . - 4096
        bgeu s0, s11, . + 4094
        bgeu ra, sp, .
branch_fwd:
# Jumps: jal with register, jalr in all operand forms, extreme jal offsets
        jal ra, branch_back
        jal zero, jump_fwd
        jal t6, . - 1048576
        jal a0, . + 1048574
        jal s1, .
        jalr ra, 0(a0)
        jalr zero, -2048(x31)
        jalr t6, 2047(sp)
        jalr a0, a1, 12
        jalr a0, a1
        jalr ra, (t0)
jump_fwd:
# System and memory ordering
        ecall
        ebreak
        fence
        fence iorw, iorw
        fence rw, rw
        fence r, w
        fence w, r
        fence i, o
        fence io, rw
        fence.tso
        fence.i
# Atomics: every AMO with every ordering suffix
        lr.w a0, (a1)
        sc.w a0, a2, (a1)
        amoswap.w a0, a1, (a2)
        amoadd.w a0, a1, (a2)
        amoxor.w a0, a1, (a2)
        amoand.w a0, a1, (a2)
        amoor.w a0, a1, (a2)
        amomin.w a0, a1, (a2)
        amomax.w a0, a1, (a2)
        amominu.w a0, a1, (a2)
        amomaxu.w a0, a1, (a2)
        lr.w.aq a0, (a1)
        sc.w.aq a0, a2, (a1)
        amoswap.w.aq a0, a1, (a2)
        amoadd.w.aq a0, a1, (a2)
        amoxor.w.aq a0, a1, (a2)
        amoand.w.aq a0, a1, (a2)
        amoor.w.aq a0, a1, (a2)
        amomin.w.aq a0, a1, (a2)
        amomax.w.aq a0, a1, (a2)
        amominu.w.aq a0, a1, (a2)
        amomaxu.w.aq a0, a1, (a2)
        lr.w.rl a0, (a1)
        sc.w.rl a0, a2, (a1)
        amoswap.w.rl a0, a1, (a2)
        amoadd.w.rl a0, a1, (a2)
        amoxor.w.rl a0, a1, (a2)
        amoand.w.rl a0, a1, (a2)
        amoor.w.rl a0, a1, (a2)
        amomin.w.rl a0, a1, (a2)
        amomax.w.rl a0, a1, (a2)
        amominu.w.rl a0, a1, (a2)
        amomaxu.w.rl a0, a1, (a2)
        lr.w.aqrl a0, (a1)
        sc.w.aqrl a0, a2, (a1)
        amoswap.w.aqrl a0, a1, (a2)
        amoadd.w.aqrl a0, a1, (a2)
        amoxor.w.aqrl a0, a1, (a2)
        amoand.w.aqrl a0, a1, (a2)
        amoor.w.aqrl a0, a1, (a2)
        amomin.w.aqrl a0, a1, (a2)
        amomax.w.aqrl a0, a1, (a2)
        amominu.w.aqrl a0, a1, (a2)
        amomaxu.w.aqrl a0, a1, (a2)
        lr.w t6, (x31)
        sc.w zero, t6, (sp)
        amoadd.w t6, x31, 0(zero)
        lr.d a0, (a1)
        sc.d a0, a2, (a1)
        amoswap.d a0, a1, (a2)
        amoadd.d a0, a1, (a2)
        amoxor.d a0, a1, (a2)
        amoand.d a0, a1, (a2)
        amoor.d a0, a1, (a2)
        amomin.d a0, a1, (a2)
        amomax.d a0, a1, (a2)
        amominu.d a0, a1, (a2)
        amomaxu.d a0, a1, (a2)
        lr.d.aq a0, (a1)
        sc.d.aq a0, a2, (a1)
        amoswap.d.aq a0, a1, (a2)
        amoadd.d.aq a0, a1, (a2)
        amoxor.d.aq a0, a1, (a2)
        amoand.d.aq a0, a1, (a2)
        amoor.d.aq a0, a1, (a2)
        amomin.d.aq a0, a1, (a2)
        amomax.d.aq a0, a1, (a2)
        amominu.d.aq a0, a1, (a2)
        amomaxu.d.aq a0, a1, (a2)
        lr.d.rl a0, (a1)
        sc.d.rl a0, a2, (a1)
        amoswap.d.rl a0, a1, (a2)
        amoadd.d.rl a0, a1, (a2)
        amoxor.d.rl a0, a1, (a2)
        amoand.d.rl a0, a1, (a2)
        amoor.d.rl a0, a1, (a2)
        amomin.d.rl a0, a1, (a2)
        amomax.d.rl a0, a1, (a2)
        amominu.d.rl a0, a1, (a2)
        amomaxu.d.rl a0, a1, (a2)
        lr.d.aqrl a0, (a1)
        sc.d.aqrl a0, a2, (a1)
        amoswap.d.aqrl a0, a1, (a2)
        amoadd.d.aqrl a0, a1, (a2)
        amoxor.d.aqrl a0, a1, (a2)
        amoand.d.aqrl a0, a1, (a2)
        amoor.d.aqrl a0, a1, (a2)
        amomin.d.aqrl a0, a1, (a2)
        amomax.d.aqrl a0, a1, (a2)
        amominu.d.aqrl a0, a1, (a2)
        amomaxu.d.aqrl a0, a1, (a2)
        lr.d t6, (x31)
        sc.d zero, t6, (sp)
        amoadd.d t6, x31, 0(zero)
# Pseudo-instructions
        nop
        mv a0, a1
        mv t6, x31
        not a0, a1
        neg a0, a1
        negw t6, x31
        sext.w a0, a1
        zext.b a0, a1
        seqz a0, a1
        snez a0, a1
        sltz a0, a1
        sgtz a0, a1
pseudo_back:
        beqz a0, pseudo_back
        bnez t6, pseudo_fwd
        blez a0, pseudo_back
        bgez a1, pseudo_fwd
        bltz a2, pseudo_back
        bgtz a3, pseudo_fwd
        bgt a0, a1, pseudo_back
        ble a0, a1, pseudo_fwd
        bgtu t5, t6, pseudo_back
        bleu t5, t6, pseudo_fwd
        j pseudo_back
        j pseudo_fwd
        jal pseudo_back
        jal pseudo_fwd
        jr a0
        jr t6
        jalr a0
        jalr t6
        ret
        call helper
        call t0, helper
        tail helper
        la a0, msg
        la t6, table
        lla a1, counter
        lla s0, bss_buf
        lw a0, counter
        ld t6, table
        lb a1, msg
        lbu a2, msg
        lh a3, counter
        lhu a4, counter
        lwu a5, counter
        sw a0, counter, t0
        sd t6, table, t1
        sb a1, counter, a2
        sh a1, counter, a3
pseudo_fwd:
# li: GNU as's expansion for every kind of constant
        .section .rodata
msg:    .ascii "hello, world\n"
msg_end:
        MSGLEN = msg_end - msg
        .text
        li a0, 0
        li t6, 1
        li zero, -1
        li x31, 5
        li s1, 2047
        li ra, -2048
        li a7, 2048
        li sp, -2049
        li a0, 4095
        li t6, 4096
        li zero, 0x7ff
        li x31, 0x800
        li s1, 0xfff
        li ra, 0x1000
        li a7, 0x1001
        li sp, 0x12345
        li a0, 0x12345678
        li t6, 0x7ffff7ff
        li zero, 0x7ffff800
        li x31, 0x7fffffff
        li s1, -0x80000000
        li ra, -0x7fffffff
        li a7, 0x80000000
        li sp, 0x80000001
        li a0, 0xffffffff
        li t6, -0xffffffff
        li zero, 0x100000000
        li x31, 0x100000001
        li s1, 0xfffffffff
        li ra, 0x123456789
        li a7, 0x123456789abcdef0
        li sp, 0x7fffffffffffffff
        li a0, 0x8000000000000000
        li t6, 0x8000000000000001
        li zero, 0xffffffff00000000
        li x31, 0xffffffff80000000
        li s1, 0xffffffff7fffffff
        li ra, 0x00000000ffffffff
        li a7, 0xfedcba9876543210
        li sp, 0x0000001000000000
        li a0, 0x0000100000000800
        li t6, 0x5555555555555555
        li zero, 0xaaaaaaaaaaaaaaaa
        li x31, -0x123456789
        li s1, -4096
        li ra, -4097
        li a7, 0xdeadbeef
        li sp, 0xcafebabe12345678
        li a0, ANSWER
        li t6, MASK
        li zero, BIG
        li x31, ANSWER * 100 + 7
        li s1, 1 << 63
        li ra, (1 << 32) - 1
        li a7, ~0
        li sp, -(1 << 31)
        li a0, 'A'
        li t6, '\n'
        li zero, 010
        li x31, 0b1011
        li s1, 1+2*3|4
        li ra, 100/7
        li a7, -100%7
        li sp, 0x10 >> 2
        li a0, -16 >> 2
        li t6, 5 & 3
        li zero, 5 ^ 3
        li x31, 6 ! 1
        li s1, MSGLEN
# %hi/%lo and %pcrel_hi/%pcrel_lo pairs
        lui a0, %hi(msg)
        addi a0, a0, %lo(msg)
        lui a1, %hi(counter)
        lw a2, %lo(counter)(a1)
        sw a2, %lo(counter)(a1)
        lui t6, %hi(table+16)
        ld t5, %lo(table+16)(t6)
1:      auipc a0, %pcrel_hi(msg)
        addi a0, a0, %pcrel_lo(1b)
1:      auipc a1, %pcrel_hi(counter)
        lw a2, %pcrel_lo(1b)(a1)
        sw a2, %pcrel_lo(1b)(a1)
pcrel_label:
        auipc t0, %pcrel_hi(table + 8)
        ld t1, %pcrel_lo(pcrel_label)(t0)
        addi t0, t0, %pcrel_lo(pcrel_label)
# Numeric local labels
1:      addi a0, a0, -1
        bnez a0, 1b
        beqz a0, 1f
        j 2f
1:      j 1b
2:      j 1b ; nop ; nop  # several statements on one line
        /* a block comment */ nop /* spanning
           two lines */
        nop # a comment
helper: addi a0, a0, 1  # the target of call and tail
        ret
# F and D: every instruction, each rounding mode, f0..f31 and the ABI names
        flw fa0, 0(sp)
        flw f31, -2048(a0)
        flw ft0, 2047(t6)
        flw fs1, (a1)
        fsw fa0, 0(sp)
        fsw f31, -2048(a0)
        fsw ft0, 2047(t6)
        fsw fs1, (a1)
        fadd.s ft0, fs0, f0
        fadd.s ft1, fs11, f31, rne
        fadd.s ft11, fa0, f15, rtz
        fadd.s fs0, fa7, ft0, rdn
        fadd.s fs11, f0, ft1, rup
        fadd.s fa0, f31, ft11, rmm
        fadd.s fa7, f15, fs0, dyn
        fsub.s f0, ft0, fs11
        fsub.s f31, ft1, fa0, rne
        fsub.s f15, ft11, fa7, rtz
        fsub.s ft0, fs0, f0, rdn
        fsub.s ft1, fs11, f31, rup
        fsub.s ft11, fa0, f15, rmm
        fsub.s fs0, fa7, ft0, dyn
        fmul.s fs11, f0, ft1
        fmul.s fa0, f31, ft11, rne
        fmul.s fa7, f15, fs0, rtz
        fmul.s f0, ft0, fs11, rdn
        fmul.s f31, ft1, fa0, rup
        fmul.s f15, ft11, fa7, rmm
        fmul.s ft0, fs0, f0, dyn
        fdiv.s ft1, fs11, f31
        fdiv.s ft11, fa0, f15, rne
        fdiv.s fs0, fa7, ft0, rtz
        fdiv.s fs11, f0, ft1, rdn
        fdiv.s fa0, f31, ft11, rup
        fdiv.s fa7, f15, fs0, rmm
        fdiv.s f0, ft0, fs11, dyn
        fsqrt.s f31, ft11
        fsqrt.s f15, fs0, rne
        fsqrt.s ft0, fs11, rtz
        fsqrt.s ft1, fa0, rdn
        fsqrt.s ft11, fa7, rup
        fsqrt.s fs0, f0, rmm
        fsqrt.s fs11, f31, dyn
        fmadd.s fa0, fa7, f0, ft0
        fmadd.s fa7, f0, f31, ft1, rne
        fmadd.s f0, f31, f15, ft11, rmm
        fmadd.s f31, f15, ft0, fs0, dyn
        fmsub.s f15, ft0, ft1, fs11
        fmsub.s ft0, ft1, ft11, fa0, rne
        fmsub.s ft1, ft11, fs0, fa7, rmm
        fmsub.s ft11, fs0, fs11, f0, dyn
        fnmsub.s fs0, fs11, fa0, f31
        fnmsub.s fs11, fa0, fa7, f15, rne
        fnmsub.s fa0, fa7, f0, ft0, rmm
        fnmsub.s fa7, f0, f31, ft1, dyn
        fnmadd.s f0, f31, f15, ft11
        fnmadd.s f31, f15, ft0, fs0, rne
        fnmadd.s f15, ft0, ft1, fs11, rmm
        fnmadd.s ft0, ft1, ft11, fa0, dyn
        fsgnj.s fa0, fa1, fa2
        fsgnj.s f31, f0, ft11
        fsgnjn.s fa0, fa1, fa2
        fsgnjn.s f31, f0, ft11
        fsgnjx.s fa0, fa1, fa2
        fsgnjx.s f31, f0, ft11
        fmin.s fa0, fa1, fa2
        fmin.s f31, f0, ft11
        fmax.s fa0, fa1, fa2
        fmax.s f31, f0, ft11
        feq.s a0, fa1, fa2
        feq.s t6, f31, f0
        flt.s a0, fa1, fa2
        flt.s t6, f31, f0
        fle.s a0, fa1, fa2
        fle.s t6, f31, f0
        fclass.s a0, fa0
        fclass.s zero, f31
        fcvt.w.s a0, fa1
        fcvt.w.s a0, fa1, rtz
        fcvt.w.s a0, fa1, rmm
        fcvt.s.w fa0, a1
        fcvt.s.w fa0, a1, rne
        fcvt.s.w fa0, a1, rdn
        fcvt.s.w fa0, a1, rup
        fcvt.s.w fa0, a1, dyn
        fcvt.wu.s a0, fa1
        fcvt.wu.s a0, fa1, rtz
        fcvt.wu.s a0, fa1, rmm
        fcvt.s.wu fa0, a1
        fcvt.s.wu fa0, a1, rne
        fcvt.s.wu fa0, a1, rdn
        fcvt.s.wu fa0, a1, rup
        fcvt.s.wu fa0, a1, dyn
        fcvt.l.s a0, fa1
        fcvt.l.s a0, fa1, rtz
        fcvt.l.s a0, fa1, rmm
        fcvt.s.l fa0, a1
        fcvt.s.l fa0, a1, rne
        fcvt.s.l fa0, a1, rdn
        fcvt.s.l fa0, a1, rup
        fcvt.s.l fa0, a1, dyn
        fcvt.lu.s a0, fa1
        fcvt.lu.s a0, fa1, rtz
        fcvt.lu.s a0, fa1, rmm
        fcvt.s.lu fa0, a1
        fcvt.s.lu fa0, a1, rne
        fcvt.s.lu fa0, a1, rdn
        fcvt.s.lu fa0, a1, rup
        fcvt.s.lu fa0, a1, dyn
        fmv.s fa0, fa1
        fneg.s ft0, f31
        fabs.s fs11, fa7
        fgt.s a0, fa1, fa2
        fge.s a1, fs0, ft3
        fld fa0, 0(sp)
        fld f31, -2048(a0)
        fld ft0, 2047(t6)
        fld fs1, (a1)
        fsd fa0, 0(sp)
        fsd f31, -2048(a0)
        fsd ft0, 2047(t6)
        fsd fs1, (a1)
        fadd.d ft1, fs11, f31
        fadd.d ft11, fa0, f15, rne
        fadd.d fs0, fa7, ft0, rtz
        fadd.d fs11, f0, ft1, rdn
        fadd.d fa0, f31, ft11, rup
        fadd.d fa7, f15, fs0, rmm
        fadd.d f0, ft0, fs11, dyn
        fsub.d f31, ft1, fa0
        fsub.d f15, ft11, fa7, rne
        fsub.d ft0, fs0, f0, rtz
        fsub.d ft1, fs11, f31, rdn
        fsub.d ft11, fa0, f15, rup
        fsub.d fs0, fa7, ft0, rmm
        fsub.d fs11, f0, ft1, dyn
        fmul.d fa0, f31, ft11
        fmul.d fa7, f15, fs0, rne
        fmul.d f0, ft0, fs11, rtz
        fmul.d f31, ft1, fa0, rdn
        fmul.d f15, ft11, fa7, rup
        fmul.d ft0, fs0, f0, rmm
        fmul.d ft1, fs11, f31, dyn
        fdiv.d ft11, fa0, f15
        fdiv.d fs0, fa7, ft0, rne
        fdiv.d fs11, f0, ft1, rtz
        fdiv.d fa0, f31, ft11, rdn
        fdiv.d fa7, f15, fs0, rup
        fdiv.d f0, ft0, fs11, rmm
        fdiv.d f31, ft1, fa0, dyn
        fsqrt.d f15, fs0
        fsqrt.d ft0, fs11, rne
        fsqrt.d ft1, fa0, rtz
        fsqrt.d ft11, fa7, rdn
        fsqrt.d fs0, f0, rup
        fsqrt.d fs11, f31, rmm
        fsqrt.d fa0, f15, dyn
        fmadd.d fa7, f0, f31, ft1
        fmadd.d f0, f31, f15, ft11, rne
        fmadd.d f31, f15, ft0, fs0, rmm
        fmadd.d f15, ft0, ft1, fs11, dyn
        fmsub.d ft0, ft1, ft11, fa0
        fmsub.d ft1, ft11, fs0, fa7, rne
        fmsub.d ft11, fs0, fs11, f0, rmm
        fmsub.d fs0, fs11, fa0, f31, dyn
        fnmsub.d fs11, fa0, fa7, f15
        fnmsub.d fa0, fa7, f0, ft0, rne
        fnmsub.d fa7, f0, f31, ft1, rmm
        fnmsub.d f0, f31, f15, ft11, dyn
        fnmadd.d f31, f15, ft0, fs0
        fnmadd.d f15, ft0, ft1, fs11, rne
        fnmadd.d ft0, ft1, ft11, fa0, rmm
        fnmadd.d ft1, ft11, fs0, fa7, dyn
        fsgnj.d fa0, fa1, fa2
        fsgnj.d f31, f0, ft11
        fsgnjn.d fa0, fa1, fa2
        fsgnjn.d f31, f0, ft11
        fsgnjx.d fa0, fa1, fa2
        fsgnjx.d f31, f0, ft11
        fmin.d fa0, fa1, fa2
        fmin.d f31, f0, ft11
        fmax.d fa0, fa1, fa2
        fmax.d f31, f0, ft11
        feq.d a0, fa1, fa2
        feq.d t6, f31, f0
        flt.d a0, fa1, fa2
        flt.d t6, f31, f0
        fle.d a0, fa1, fa2
        fle.d t6, f31, f0
        fclass.d a0, fa0
        fclass.d zero, f31
        fcvt.w.d a0, fa1
        fcvt.w.d a0, fa1, rtz
        fcvt.w.d a0, fa1, rmm
        fcvt.d.w fa0, a1
        fcvt.d.w f31, t6
        fcvt.wu.d a0, fa1
        fcvt.wu.d a0, fa1, rtz
        fcvt.wu.d a0, fa1, rmm
        fcvt.d.wu fa0, a1
        fcvt.d.wu f31, t6
        fcvt.l.d a0, fa1
        fcvt.l.d a0, fa1, rtz
        fcvt.l.d a0, fa1, rmm
        fcvt.d.l fa0, a1
        fcvt.d.l fa0, a1, rne
        fcvt.d.l fa0, a1, rdn
        fcvt.d.l fa0, a1, rup
        fcvt.d.l fa0, a1, dyn
        fcvt.lu.d a0, fa1
        fcvt.lu.d a0, fa1, rtz
        fcvt.lu.d a0, fa1, rmm
        fcvt.d.lu fa0, a1
        fcvt.d.lu fa0, a1, rne
        fcvt.d.lu fa0, a1, rdn
        fcvt.d.lu fa0, a1, rup
        fcvt.d.lu fa0, a1, dyn
        fmv.d fa0, fa1
        fneg.d ft0, f31
        fabs.d fs11, fa7
        fgt.d a0, fa1, fa2
        fge.d a1, fs0, ft3
        fcvt.s.d fa0, fa1
        fcvt.s.d fa0, fa1, rne
        fcvt.s.d fa0, fa1, rtz
        fcvt.s.d fa0, fa1, dyn
        fcvt.d.s fa0, fa1
        fcvt.d.s f0, f31
        fmv.x.w a0, fa0
        fmv.w.x fa0, a0
        fmv.x.d t6, f31
        fmv.d.x f31, t6
        fmv.x.s a1, fa1
        fmv.s.x fa1, a1
        flw fa0, fp_data, t0
        fsw fa0, fp_data, t1
        fld fs0, fp_data+8, a5
        fsd fs0, fp_data+8, a5
        lui a0, %hi(fp_data)
        fld fa0, %lo(fp_data)(a0)
        fsd fa0, %lo(fp_data)(a0)
1:      auipc a0, %pcrel_hi(fp_data)
        flw fa0, %pcrel_lo(1b)(a0)
        fsw fa0, %pcrel_lo(1b)(a0)
        fld fa0, ANSWER(a0)
# Zicsr: every instruction and pseudo-instruction, CSRs by name and by number
        csrrw a0, fflags, a1
        csrrs t6, fflags, zero
        csrrc zero, fflags, x31
        csrrwi a0, fflags, 0
        csrrsi s1, fflags, 31
        csrrci zero, fflags, 0
        csrrw a0, frm, a1
        csrrs t6, frm, zero
        csrrc zero, frm, x31
        csrrwi a0, frm, 3
        csrrsi s1, frm, 31
        csrrci zero, frm, 0
        csrrw a0, fcsr, a1
        csrrs t6, fcsr, zero
        csrrc zero, fcsr, x31
        csrrwi a0, fcsr, 6
        csrrsi s1, fcsr, 31
        csrrci zero, fcsr, 0
        csrrw a0, cycle, a1
        csrrs t6, cycle, zero
        csrrc zero, cycle, x31
        csrrwi a0, cycle, 9
        csrrsi s1, cycle, 31
        csrrci zero, cycle, 0
        csrrw a0, time, a1
        csrrs t6, time, zero
        csrrc zero, time, x31
        csrrwi a0, time, 12
        csrrsi s1, time, 31
        csrrci zero, time, 0
        csrrw a0, instret, a1
        csrrs t6, instret, zero
        csrrc zero, instret, x31
        csrrwi a0, instret, 15
        csrrsi s1, instret, 31
        csrrci zero, instret, 0
        csrrw a0, 0, a1
        csrrs t6, 0, zero
        csrrc zero, 0, x31
        csrrwi a0, 0, 18
        csrrsi s1, 0, 31
        csrrci zero, 0, 0
        csrrw a0, 0x7c0, a1
        csrrs t6, 0x7c0, zero
        csrrc zero, 0x7c0, x31
        csrrwi a0, 0x7c0, 21
        csrrsi s1, 0x7c0, 31
        csrrci zero, 0x7c0, 0
        csrrw a0, 4095, a1
        csrrs t6, 4095, zero
        csrrc zero, 4095, x31
        csrrwi a0, 4095, 24
        csrrsi s1, 4095, 31
        csrrci zero, 4095, 0
        csrrw a0, ANSWER, a1
        csrrs t6, ANSWER, zero
        csrrc zero, ANSWER, x31
        csrrwi a0, ANSWER, 27
        csrrsi s1, ANSWER, 31
        csrrci zero, ANSWER, 0
        csrrw a0, fcsr, 5
        csrrs a0, frm, 1
        csrrc a0, fflags, 31
        csrr a0, fflags
        csrw fflags, a1
        csrs fflags, a2
        csrc fflags, a3
        csrw fflags, 5
        csrs fflags, 6
        csrc fflags, 7
        csrwi fflags, 0
        csrsi fflags, 31
        csrci fflags, 16
        csrr a0, fcsr
        csrw fcsr, a1
        csrs fcsr, a2
        csrc fcsr, a3
        csrw fcsr, 5
        csrs fcsr, 6
        csrc fcsr, 7
        csrwi fcsr, 0
        csrsi fcsr, 31
        csrci fcsr, 16
        csrr a0, 0xc00
        csrw 0xc00, a1
        csrs 0xc00, a2
        csrc 0xc00, a3
        csrw 0xc00, 5
        csrs 0xc00, 6
        csrc 0xc00, 7
        csrwi 0xc00, 0
        csrsi 0xc00, 31
        csrci 0xc00, 16
        rdcycle a0
        rdtime t6
        rdinstret zero
        frcsr a0
        frsr a1
        fscsr a2
        fscsr a3, a4
        fssr a5
        fssr a6, a7
        frrm t0
        fsrm t1
        fsrm t2, t3
        fsrmi 1
        fsrmi a0, 4
        frflags s2
        fsflags s3
        fsflags s4, s5
        fsflagsi 0
        fsflagsi a1, 31
        csrr a0, 0xc00 + 2
        csrwi frm, MASK >> 12
        .option push
        .option arch, +d
        fadd.d fa0, fa0, fa0
        .option pop

# The C extension. Explicit c.* mnemonics, then ordinary instructions that
# GNU as compresses under .option rvc (and those it leaves in 32 bits), the
# branches it relaxes, and .align padding with c.nop.
        .option push
        .option rvc
rvc_start:
        c.addi4spn a0, sp, 1020
        c.fld fa0, 248(a5)
        c.lw s1, 124(a5)
        c.ld a5, 0(s0)
        c.fsd fs0, 8(a0)
        c.sw a0, 64(a1)
        c.sd a3, 248(a4)
        c.nop
        c.addi a0, -32
        c.addiw t6, 31
        c.li ra, -1
        c.addi16sp sp, -512
        c.lui a0, 0xfffe0
        c.lui t6, 31
        c.srli s1, 63
        c.srai a5, 1
        c.andi a0, -1
        c.sub a0, a1
        c.xor s0, a5
        c.or a2, a3
        c.and a4, s1
        c.subw a0, a5
        c.addw s0, s1
        c.slli ra, 32
        c.fldsp fs11, 504(sp)
        c.lwsp t6, 252(sp)
        c.ldsp a0, 8(sp)
        c.jr ra
        c.mv a0, a1
        c.ebreak
        c.jalr t0
        c.add t6, t6
        c.fsdsp fa0, 0(sp)
        c.swsp a0, 4(sp)
        c.sdsp ra, 504(sp)
        c.li zero, 3
        c.nop 5
        c.slli64 a0
        c.unimp
1:      c.beqz a0, 1b
        c.bnez s1, 2f
        c.j 1b
2:      c.j rvc_start
# Compressed by GNU as
        addi a0, a0, 1
        addi sp, sp, -16
        addi sp, sp, 496
        addi a0, sp, 16
        addi a0, zero, -5
        addi zero, zero, 0
        addi a0, a1, 0
        addiw a0, a0, -1
        sext.w s0, s0
        lui a0, 31
        li a0, 5
        li a0, 0x1000
        li a0, 0x12345
        li a0, 0x123456789
        mv a0, a1
        slli a0, a0, 3
        srli s0, s0, 63
        srai a5, a5, 1
        andi a0, a0, 15
        add a0, a0, a1
        add a0, a1, a0
        add a0, zero, a1
        sub a0, a0, a1
        and a0, a1, a0
        or s0, s0, s1
        xor a5, a4, a5
        addw a0, a0, a1
        subw a0, a0, a1
        lw a0, 8(sp)
        ld ra, 504(sp)
        sw a0, 124(a5)
        sd s0, 0(sp)
        fld fa0, 8(sp)
        fsd fs0, 248(a0)
        nop
        ret
        jr a0
        jalr a1
        ebreak
# Left in 32 bits
        addi a6, a6, 1
        addi a0, a1, 1
        li zero, 0
        mv a0, zero
        slli a0, a0, 0
        lw a0, 2(sp)
        lw a0, 128(a5)
        sub a0, a1, a0
        jalr ra, 0(a0)
        jal ra, rvc_start
        jal zero, 3f
        la a0, rvc_start
        lw a1, counter
        call rvc_start
        addi a0, a0, %lo(rvc_start)
        fsw fa0, 0(sp)
        beqz a6, 3f
        beq zero, a0, 3f
        bge a0, zero, 3f
# Branches GNU as relaxes: 16 bits when the target is near, 32 when not
3:      beqz a0, 3b
        bnez s0, 4f
        beq a5, zero, 3b
        bne a5, zero, 4f
        j 3b
        j 4f
        beqz a0, 5f
        j 5f
        j fp_data
4:      .align 2
        .byte 1
        .align 3
        nop
        .fill 66, 4, 0x13       # 264 bytes of nops: beyond c.beqz's reach
5:      bnez a0, 3b
        j 3b
        .option norvc
        addi a0, a0, 1
        .option pop
        nop

# Alignment in code: padded with nops
        .align 4
        nop
        .p2align 3
        .balign 16
aligned_code:
        ecall
# Moving the location counter (". =", .org): the gap is zeros, not nops
        . = . + 8
        nop
        .org aligned_code + 24
        nop
        .set ., . + 4
        .equ ., . + 4
        nop
# Data
        .data
fp_data:
        .dword 0x3ff0000000000000, 0x4000000000000000
counter:
        .word 7
        .byte -128, 255, 'a', 0x7f, -1
        .align 1
        .half -32768, 65535, 0x1234
        .align 2
floats:
        .float 1.5, -0.25, 1e10, 2, 0.1, 3.4028235e38, 1e-40, 1.5e+2, 0f2.5, +1, -0
        .float inf, -inf, nan, 1.00000017881393432617187499, 010
        .align 3
        .double 1.5, -0.25, 1e10, 2., 0.1, 1e308, 1e-310, 6.02214076e23, 0d-3.5, infinity, nan
        .align 2
        .word -2147483648, 0xffffffff, ANSWER, counter, msg + 3, _start
        .balign 8
table:
        .dword 0x8000000000000000, -1, table, msg_end - msg, BIG
        .dword 1 + 2 * 3, (1 + 2) * 3, 1 << 40, MASK | 1, ~0xff
        .quad 1
        .2byte 2
        .4byte 3
        .8byte 4
        .long 5
        .short 6
        .string "esc: \t\\\"\0\101\x41\n"
        .asciz "a", "bc"
        .ascii "no terminator"
        .zero 3
        .space 5, 0xaa
        .skip 2
        . = . + 3
        .org . + 2, 0xaa
        .fill 2, 3, 0x12345678
        .fill 1, 8, -1
        .fill 1, 9, 0x01020304
        .fill 2
        .fill 0, 4, 5
        .fill 3, 0, 5
        .p2align 2, 0xee
        .balign 16, 0x55
        .align 3
        .dword . - table
        .section .rodata
        .align 2
ro_words:
        .word 1, 2, 3
        .byte 1
        .align 2, 0
        .word 4
        .bss
bss_buf:
        .space 64
        .align 4
bss_big:
        .zero 4096
        . = . + 16
        .org . + 8
        .fill 4, 2
