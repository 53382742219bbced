"""A judged set for search quality: realistic ideas of the movement and graded queries.

Grades: 3 = exactly what the query is after, 2 = relevant, 1 = marginally relevant,
absent = not relevant. Kinds: ``accented`` / ``plain`` (typed with or without diacritics),
``phrase`` (a multi-syllable expression) and ``lookalike`` (folding makes different words
collide: lợn/lớn, đồng/đông/động, điện/diện, bò/bộ, cá/các, chè/che).
"""

from __future__ import annotations

# (id, area, title, summary)
IDEAS = [
    (
        1,
        "sxkd",
        "Nuôi lợn đen bản địa bằng thức ăn lên men từ thân chuối",
        "Hộ chăn nuôi ủ thân chuối, cám ngô với men vi sinh làm thức ăn cho lợn đen thả vườn, "
        "giảm 30% chi phí thức ăn, thịt lợn thơm ngon được thương lái thu mua giá cao.",
    ),
    (
        2,
        "sxkd",
        "Đệm lót sinh học trong chăn nuôi lợn thịt",
        "Lót chuồng bằng trấu, mùn cưa và chế phẩm vi sinh giúp chuồng nuôi lợn không mùi hôi, "
        "tiết kiệm nước rửa chuồng, lợn ít bệnh đường ruột.",
    ),
    (
        3,
        "sxkd",
        "Phòng chống bệnh dịch tả lợn châu Phi tại các hộ chăn nuôi nhỏ",
        "Quy trình an toàn sinh học: rào chắn, khử trùng, cách ly lợn mới nhập, báo dịch sớm "
        "qua nhóm Zalo của thú y xã; không có ổ dịch tái phát trong hai năm.",
    ),
    (
        4,
        "sxkd",
        "Chế tạo máy thái thân chuối làm thức ăn chăn nuôi",
        "Máy chạy động cơ điện 1,5 kW do thợ cơ khí địa phương chế tạo, thái 500 kg chuối mỗi "
        "giờ, giúp các hộ nuôi lợn, nuôi gà giảm công lao động.",
    ),
    (
        5,
        "sxkd",
        "Mô hình nuôi bò vỗ béo bằng cỏ voi và rơm ủ urê",
        "Trồng cỏ voi trên đất đồi, ủ rơm với urê làm thức ăn vỗ béo bò thịt trong ba tháng, "
        "mỗi con bò tăng 60 kg.",
    ),
    (
        6,
        "sxkd",
        "Nuôi gà đồi thả vườn theo hướng VietGAP",
        "Gà ri lai được nuôi thả trên đồi keo, bổ sung thảo dược vào nước uống, "
        "có truy xuất nguồn gốc bằng mã QR.",
    ),
    (
        7,
        "sxkd",
        "Nuôi cá chép xen lúa trên ruộng bậc thang",
        "Đào mương quanh ruộng để nuôi cá chép, cá ăn sâu bọ và cỏ dại, lúa không cần phun thuốc, "
        "thu thêm cá trên cùng diện tích.",
    ),
    (
        8,
        "sxkd",
        "Nuôi ong lấy mật dưới tán rừng quế",
        "Đặt thùng ong nội dưới tán rừng quế và rừng keo, mật ong quế được đóng chai bán cho "
        "khách du lịch.",
    ),
    (
        9,
        "sxkd",
        "Kỹ thuật ươm giống quế bằng khay bầu",
        "Gieo hạt quế vào khay bầu, che lưới đen giảm nắng, tỷ lệ cây quế giống sống đạt 95%.",
    ),
    (
        10,
        "sxkd",
        "Lò sấy vỏ quế tiết kiệm củi",
        "Cải tiến lò sấy quế hai buồng dùng nhiệt thừa của bếp, vỏ quế khô đều, "
        "giảm một nửa lượng củi.",
    ),
    (
        11,
        "sxkd",
        "Chăm sóc cam sành theo tiêu chuẩn VietGAP",
        "Tỉa cành, bón phân hữu cơ và dùng bẫy bả sinh học cho vườn cam sành, "
        "quả đẹp, được siêu thị thu mua.",
    ),
    (
        12,
        "sxkd",
        "Ghép cải tạo vườn quýt già cỗi",
        "Ghép mắt giống quýt đặc sản lên gốc cũ, vườn quýt cho quả trở lại sau hai năm.",
    ),
    (
        13,
        "sxkd",
        "Máy tráng bánh miến dong bán tự động",
        "Hợp tác xã sản xuất miến dong dùng máy tráng bánh tự chế, năng suất tăng gấp ba, "
        "sợi miến dong dai, không dùng hóa chất.",
    ),
    (
        14,
        "sxkd",
        "Đưa giống lúa lai năng suất cao vào ruộng bậc thang",
        "Khảo nghiệm ba giống lúa lai chịu rét, năng suất đạt 65 tạ/ha, cao hơn giống cũ 20%.",
    ),
    (
        15,
        "sxkd",
        "Xây dựng cánh đồng lớn liên kết sản xuất lúa hàng hóa",
        "Dồn thửa, đổi ruộng hình thành cánh đồng lớn 50 ha, doanh nghiệp bao tiêu lúa; "
        "cơ giới hóa khâu làm đất và thu hoạch.",
    ),
    (
        16,
        "sxkd",
        "Cải tiến máy gặt đập liên hợp mini cho ruộng nhỏ",
        "Thu gọn bánh xích để máy gặt đi được trên bờ ruộng hẹp, năng suất gặt 3 sào mỗi giờ.",
    ),
    (
        17,
        "sxkd",
        "Tưới nhỏ giọt cho vườn cam bằng nước tự chảy",
        "Dẫn nước khe suối về bể chứa trên đồi, tưới nhỏ giọt tự chảy không cần điện, "
        "tiết kiệm 40% lượng nước.",
    ),
    (
        18,
        "sxkd",
        "Sản xuất phân bón hữu cơ từ phụ phẩm nông nghiệp",
        "Ủ rơm rạ, vỏ dong riềng và phân chuồng với chế phẩm vi sinh thành phân hữu cơ "
        "bón cho rau và cây ăn quả.",
    ),
    (
        19,
        "sxkd",
        "Hầm khí biogas xử lý chất thải chăn nuôi lợn",
        "Xây hầm biogas bằng vật liệu composite, khí sinh học dùng đun nấu, giảm ô nhiễm "
        "môi trường quanh chuồng lợn.",
    ),
    (
        20,
        "sxkd",
        "Sấy nông sản bằng năng lượng mặt trời",
        "Nhà sấy mái tôn kính tận dụng năng lượng mặt trời để sấy măng, mộc nhĩ, "
        "giữ màu sắc và không ám khói.",
    ),
    (
        21,
        "sxkd",
        "Bảo quản hồng không hạt sau thu hoạch",
        "Khử chát hồng bằng cồn và bảo quản lạnh, kéo dài thời gian bán hồng không hạt thêm "
        "ba tuần.",
    ),
    (
        22,
        "sxkd",
        "Trồng nấm sò trên mùn cưa gỗ keo",
        "Tận dụng mùn cưa từ xưởng chế biến gỗ làm giá thể trồng nấm sò quanh năm.",
    ),
    (
        23,
        "hc",
        "Tiết kiệm điện trong trường học bằng đèn LED và công tắc hẹn giờ",
        "Thay bóng đèn huỳnh quang bằng đèn LED, lắp công tắc hẹn giờ cho quạt và bình nóng lạnh, "
        "tiền điện của trường giảm 35%.",
    ),
    (
        24,
        "hc",
        "Điện mặt trời mái nhà cho trụ sở Ủy ban nhân dân xã",
        "Lắp 10 kWp pin năng lượng mặt trời trên mái trụ sở, tự dùng điện ban ngày, "
        "phần dư bán lên lưới điện.",
    ),
    (
        25,
        "sxkd",
        "Cải tiến dây chuyền chế biến gỗ rừng trồng",
        "Sắp xếp lại dây chuyền bóc, sấy, ép gỗ ván và thêm băng tải, nâng cao năng suất lao động "
        "của công nhân thêm 25%.",
    ),
    (
        26,
        "sxkd",
        "Sửa chữa máy biến áp phân phối tại chỗ",
        "Đội quản lý điện thay dầu, sấy cuộn dây máy biến áp ngay tại trạm, "
        "rút ngắn thời gian mất điện cho khách hàng.",
    ),
    (
        27,
        "sxkd",
        "Giảm tổn thất điện năng trên lưới điện hạ áp nông thôn",
        "Cân pha, thay dây dẫn tiết diện nhỏ và công tơ cũ, tổn thất điện năng giảm từ 9% "
        "xuống 5%.",
    ),
    (
        28,
        "sxkd",
        "Sản xuất gạch không nung từ xỉ than và đá mạt",
        "Tận dụng xỉ than của nhà máy làm gạch không nung, giá thành thấp hơn gạch đất nung, "
        "không đốt lò gây khói.",
    ),
    (
        29,
        "sxkd",
        "Quy trình vận hành an toàn thủy điện nhỏ mùa lũ",
        "Lắp cảm biến mực nước thượng lưu và cảnh báo qua tin nhắn, vận hành xả lũ "
        "đúng quy trình, bảo đảm an toàn hạ du.",
    ),
    (
        30,
        "hc",
        "Chuyển đổi số tiếp nhận hồ sơ một cửa cấp xã",
        "Bộ phận một cửa quét mã QR trên căn cước, số hóa hồ sơ ngay khi tiếp nhận, "
        "người dân tra cứu kết quả trên điện thoại.",
    ),
    (
        31,
        "hc",
        "Dịch vụ công trực tuyến cho thủ tục đăng ký hộ tịch",
        "Hướng dẫn người dân nộp hồ sơ đăng ký khai sinh, kết hôn qua cổng dịch vụ công "
        "trực tuyến, nhận kết quả qua bưu điện.",
    ),
    (
        32,
        "hc",
        "Dùng chữ ký số khi gửi nhận văn bản điện tử",
        "Toàn bộ văn bản đi của huyện được ký số và gửi qua phần mềm quản lý văn bản, "
        "bỏ bản giấy, tiết kiệm chi phí in ấn.",
    ),
    (
        33,
        "hc",
        "Số hóa hồ sơ địa chính phục vụ cấp giấy chứng nhận",
        "Quét và nhập dữ liệu hồ sơ địa chính cũ vào cơ sở dữ liệu đất đai, "
        "rút ngắn thời gian cấp giấy chứng nhận quyền sử dụng đất.",
    ),
    (
        34,
        "hc",
        "Phần mềm quản lý hồ sơ cán bộ, công chức",
        "Xây dựng phần mềm lưu trữ lý lịch, quá trình công tác và đánh giá cán bộ, công chức "
        "của huyện.",
    ),
    (
        35,
        "hc",
        "Tổng đài tiếp nhận phản ánh, kiến nghị của người dân",
        "Một số điện thoại duy nhất tiếp nhận phản ánh, kiến nghị, chuyển ngay cho cơ quan "
        "xử lý và báo lại cho người dân.",
    ),
    (
        36,
        "hc",
        "Thanh toán học phí không dùng tiền mặt",
        "Phụ huynh nộp học phí qua ứng dụng ngân hàng, nhà trường không phải thu tiền mặt.",
    ),
    (
        37,
        "hc",
        "Lưu trữ hồ sơ điện tử tại kho lưu trữ huyện",
        "Chỉnh lý và số hóa tài liệu lưu trữ, tra cứu hồ sơ điện tử theo từ khóa trong vài giây.",
    ),
    (
        38,
        "hc",
        "Họp trực tuyến đến cấp xã",
        "Lắp điểm cầu họp trực tuyến tại các xã, giảm đi lại, tiết kiệm thời gian và kinh phí.",
    ),
    (
        39,
        "hc",
        "Rút ngắn thời gian giải quyết thủ tục đất đai",
        "Liên thông giữa văn phòng đăng ký đất đai và chi cục thuế, thủ tục chuyển nhượng "
        "giảm từ 10 xuống 5 ngày.",
    ),
    (
        40,
        "sn",
        "Bài giảng điện tử môn Toán cho học sinh dân tộc thiểu số",
        "Giáo viên soạn bài giảng điện tử có hình ảnh gần gũi, lời giải thích song ngữ "
        "Tày - Việt giúp học sinh dân tộc hiểu bài.",
    ),
    (
        41,
        "sn",
        "Đồ dùng dạy học tự làm từ vật liệu tái chế",
        "Giáo viên và học sinh làm mô hình, đồ dùng dạy học từ chai nhựa, bìa các-tông.",
    ),
    (
        42,
        "sn",
        "Dạy tiếng Việt cho trẻ mầm non người Mông",
        "Tăng cường tiếng Việt qua trò chơi, bài hát và tranh ảnh cho trẻ mầm non "
        "người Mông trước khi vào lớp một.",
    ),
    (
        43,
        "sn",
        "Thư viện số cho trường trung học cơ sở vùng cao",
        "Xây dựng thư viện số với sách điện tử và máy tính bảng cho học sinh mượn đọc.",
    ),
    (
        44,
        "sn",
        "Phòng thí nghiệm ảo môn Hóa học",
        "Học sinh làm thí nghiệm Hóa học trên phần mềm mô phỏng khi trường thiếu hóa chất.",
    ),
    (
        45,
        "sn",
        "Đặt lịch khám bệnh qua điện thoại tại bệnh viện đa khoa huyện",
        "Người bệnh gọi tổng đài hoặc nhắn tin để đặt lịch khám, giảm thời gian chờ tại bệnh viện.",
    ),
    (
        46,
        "sn",
        "Hồ sơ sức khỏe điện tử cho người cao tuổi",
        "Trạm y tế lập hồ sơ sức khỏe điện tử, theo dõi huyết áp, đường huyết của người cao tuổi.",
    ),
    (
        47,
        "sn",
        "Phục hồi chức năng cho bệnh nhân sau tai biến bằng y học cổ truyền",
        "Kết hợp châm cứu, xoa bóp và bài tập tại nhà giúp bệnh nhân tai biến mạch máu não "
        "đi lại được.",
    ),
    (
        48,
        "sn",
        "Kiểm soát nhiễm khuẩn tại trạm y tế xã",
        "Quy trình rửa tay, khử khuẩn dụng cụ và phân loại rác thải y tế tại trạm y tế.",
    ),
    (
        49,
        "sn",
        "Tiêm chủng đầy đủ cho trẻ em vùng sâu",
        "Y tế thôn bản nhắn tin nhắc lịch tiêm chủng, tổ chức điểm tiêm lưu động đến thôn xa.",
    ),
    (
        50,
        "sn",
        "Xét nghiệm nhanh tại trạm y tế",
        "Trang bị máy xét nghiệm sinh hóa nhanh để người dân không phải xuống huyện.",
    ),
    (
        51,
        "sn",
        "Bữa ăn bán trú cho học sinh dân tộc nội trú",
        "Nhà trường tự trồng rau, nuôi gà để cải thiện bữa ăn bán trú cho học sinh dân tộc.",
    ),
    (
        52,
        "lltv",
        "Camera giám sát an ninh trật tự tại thôn",
        "Nhân dân góp tiền lắp camera giám sát tại các ngã ba, công an xã xem hình ảnh "
        "qua điện thoại, trộm cắp giảm rõ rệt.",
    ),
    (
        53,
        "lltv",
        "Phòng cháy chữa cháy rừng bằng chòi canh và máy thổi gió",
        "Dựng chòi canh lửa mùa khô, trang bị máy thổi gió và bàn dập lửa cho tổ đội "
        "phòng cháy chữa cháy rừng.",
    ),
    (
        54,
        "lltv",
        "Mô hình học cụ huấn luyện chiến sĩ mới",
        "Tự làm mô hình học cụ giúp chiến sĩ mới nắm nhanh động tác, an toàn khi huấn luyện.",
    ),
    (
        55,
        "lltv",
        "Camera phát hiện vi phạm an toàn giao thông",
        "Lắp camera tại các điểm đen tai nạn giao thông, gửi hình ảnh vi phạm cho chủ phương tiện.",
    ),
    (
        56,
        "lltv",
        "Cấp căn cước công dân và định danh điện tử tại nhà",
        "Tổ công tác đến nhà người già, người khuyết tật để cấp căn cước và kích hoạt "
        "định danh điện tử.",
    ),
    (
        57,
        "lltv",
        "Phòng chống ma túy trong trường học",
        "Sân khấu hóa tuyên truyền phòng chống ma túy cho học sinh trung học phổ thông.",
    ),
    (
        58,
        "lltv",
        "Xuồng cứu hộ tự chế cho mùa mưa lũ",
        "Đóng xuồng cứu hộ từ phao nhựa và khung thép, dùng cứu nạn ở vùng ngập lụt.",
    ),
    (
        59,
        "dttg",
        "Bảo tồn hát then, đàn tính của người Tày",
        "Mở lớp truyền dạy hát then, đàn tính cho thanh thiếu niên tại nhà văn hóa thôn.",
    ),
    (
        60,
        "dttg",
        "Lớp dạy chữ Nôm Tày cho cán bộ văn hóa",
        "Biên soạn tài liệu và mở lớp dạy chữ Nôm Tày để đọc được sách cổ của dòng họ.",
    ),
    (
        61,
        "dttg",
        "Du lịch cộng đồng với homestay nhà sàn",
        "Các hộ người Tày sửa nhà sàn đón khách, nấu món ăn truyền thống, tăng thu nhập và "
        "giảm nghèo.",
    ),
    (
        62,
        "dttg",
        "Dệt thổ cẩm của phụ nữ Dao",
        "Tổ hợp tác dệt thổ cẩm làm túi, khăn bán cho khách, giữ nghề truyền thống.",
    ),
    (
        63,
        "dttg",
        "Giảm tảo hôn và hôn nhân cận huyết trong đồng bào dân tộc thiểu số",
        "Người có uy tín và già làng tuyên truyền tại các buổi sinh hoạt thôn, "
        "số vụ tảo hôn giảm mạnh.",
    ),
    (
        64,
        "dttg",
        "Người có uy tín vận động đồng bào giảm nghèo bền vững",
        "Già làng, trưởng bản vận động đồng bào dân tộc làm kinh tế, nuôi bò, trồng quế "
        "để thoát nghèo bền vững.",
    ),
    (
        65,
        "dttg",
        "Khôi phục lễ hội Lồng tồng",
        "Phục dựng nghi lễ, trò chơi dân gian của lễ hội xuống đồng người Tày.",
    ),
    (
        66,
        "sxkd",
        "Sản xuất ngô vụ đông trên đất ruộng một vụ",
        "Trồng ngô vụ đông bằng phương pháp làm đất tối thiểu, tận dụng đất ruộng bỏ trống "
        "sau vụ mùa.",
    ),
    (
        67,
        "sxkd",
        "Cải tiến động cơ máy bơm nước cho đồng ruộng",
        "Lắp bộ điều tốc cho động cơ máy bơm, tiết kiệm dầu khi bơm nước tưới đồng ruộng.",
    ),
    (
        68,
        "sxkd",
        "Nuôi trồng đông trùng hạ thảo trong phòng sạch",
        "Nuôi cấy đông trùng hạ thảo trên giá thể gạo lứt, sản phẩm đạt chứng nhận OCOP.",
    ),
    (
        69,
        "sn",
        "Lớp học xóa mù chữ cho người lớn tuổi",
        "Mở lớp buổi tối dạy đọc, viết cho người lớn tuổi chưa biết chữ ở thôn vùng cao.",
    ),
    (
        70,
        "sxkd",
        "Mở rộng diện tích trồng quế theo chuỗi liên kết",
        "Hỗ trợ cây giống, liên kết với doanh nghiệp thu mua để mở rộng diện tích quế lên 300 ha.",
    ),
    (
        71,
        "lltv",
        "Bộ đội biên phòng giúp dân làm nhà chống lũ",
        "Cán bộ, chiến sĩ bộ đội biên phòng góp ngày công, vận chuyển vật liệu làm nhà "
        "cho hộ nghèo.",
    ),
    (
        72,
        "hc",
        "Các giải pháp nâng cao chất lượng tiếp công dân",
        "Bố trí phòng tiếp công dân riêng, ghi âm, ghi hình các buổi tiếp và trả lời bằng văn bản.",
    ),
    (
        73,
        "sxkd",
        "Chế biến chè Shan tuyết thành sản phẩm OCOP",
        "Hái búp chè Shan tuyết trên cây cổ thụ, sao chè bằng tôn quay và đóng gói sản phẩm.",
    ),
    (
        74,
        "sxkd",
        "Trồng cây bản địa che phủ đất trống đồi trọc",
        "Trồng xen cây bản địa với keo để che phủ rừng nhanh, chống xói mòn đất dốc.",
    ),
    (
        75,
        "sxkd",
        "Ủ thức ăn chăn nuôi từ cây ngô sau thu hoạch",
        "Băm thân cây ngô, ủ chua làm thức ăn cho trâu bò trong mùa đông thiếu cỏ.",
    ),
]

A = "accented"
P = "plain"
PH = "phrase"
L = "lookalike"

# (query, kinds, {idea id: grade})
QUERIES = [
    ("nuôi lợn", {A, PH, L}, {1: 3, 2: 3, 3: 2, 4: 2, 19: 2}),
    ("nuoi lon", {P, PH, L}, {1: 3, 2: 3, 3: 2, 4: 2, 19: 2}),
    ("lợn", {A, L}, {1: 3, 2: 3, 3: 3, 19: 2, 4: 2}),
    ("lon", {P, L}, {1: 3, 2: 3, 3: 3, 19: 2, 4: 2}),
    ("cánh đồng lớn", {A, PH, L}, {15: 3, 14: 1}),
    ("canh dong lon", {P, PH, L}, {15: 3, 14: 1}),
    ("đồng bào dân tộc", {A, PH, L}, {63: 3, 64: 3, 40: 1, 42: 1, 51: 1}),
    ("dong bao dan toc", {P, PH, L}, {63: 3, 64: 3, 40: 1, 42: 1, 51: 1}),
    ("vụ đông", {A, PH, L}, {66: 3, 75: 1}),
    ("vu dong", {P, PH, L}, {66: 3, 75: 1}),
    ("động cơ", {A, PH, L}, {67: 3, 4: 1}),
    ("dong co", {P, PH, L}, {67: 3, 4: 1}),
    ("tiết kiệm điện", {A, PH}, {23: 3, 24: 2, 27: 2}),
    ("tiet kiem dien", {P, PH}, {23: 3, 24: 2, 27: 2}),
    ("điện", {A, L}, {24: 3, 26: 3, 27: 3, 23: 3, 29: 2, 4: 1}),
    ("dien tich", {P, PH, L}, {70: 3, 7: 1}),
    ("chuyển đổi số", {A, PH}, {30: 3, 32: 2, 33: 2, 37: 2, 31: 2}),
    ("chuyen doi so", {P, PH}, {30: 3, 32: 2, 33: 2, 37: 2, 31: 2}),
    ("chữ ký số", {A, PH}, {32: 3}),
    ("dich vu cong truc tuyen", {P, PH}, {31: 3, 30: 2}),
    ("năng suất lao động", {A, PH}, {25: 3, 4: 1, 16: 1}),
    ("nang suat", {P, PH}, {14: 3, 25: 3, 16: 2, 13: 2}),
    ("cây quế", {A, PH}, {9: 3, 10: 3, 70: 2, 8: 1, 64: 1}),
    ("que", {P}, {9: 3, 10: 3, 70: 3, 8: 2, 64: 1}),
    ("phòng cháy chữa cháy", {A, PH}, {53: 3}),
    ("camera an ninh", {P, PH}, {52: 3, 55: 1}),
    ("camera", {P}, {52: 3, 55: 3}),
    ("hat then dan tinh", {P, PH}, {59: 3}),
    ("học sinh dân tộc", {A, PH}, {40: 3, 51: 3, 42: 2}),
    ("hoc sinh", {P, PH}, {40: 3, 51: 3, 43: 2, 44: 2, 41: 2, 57: 2}),
    ("bệnh viện", {A, PH}, {45: 3}),
    ("benh nhan", {P, PH}, {47: 3, 45: 1}),
    ("nuôi bò", {A, PH, L}, {5: 3, 64: 1, 75: 1}),
    ("nuoi bo", {P, PH, L}, {5: 3, 64: 1, 75: 1}),
    ("bộ đội", {A, PH, L}, {71: 3}),
    ("bo doi bien phong", {P, PH, L}, {71: 3}),
    ("nuôi cá", {A, PH, L}, {7: 3}),
    ("nuoi ca", {P, PH, L}, {7: 3}),
    ("chè", {A, L}, {73: 3}),
    ("che phu rung", {P, PH, L}, {74: 3}),
    ("thức ăn chăn nuôi", {A, PH}, {1: 3, 4: 3, 75: 3, 5: 2, 2: 1}),
    ("biogas", {P}, {19: 3}),
    ("mien dong", {P, PH, L}, {13: 3}),
    ('"thức ăn" lợn', {A, PH}, {1: 3, 4: 2, 2: 1}),
    ("ho so dien tu", {P, PH}, {46: 3, 37: 3, 33: 2, 30: 2, 32: 1}),
    ("giảm nghèo", {A, PH}, {64: 3, 61: 2}),
    ("tao hon", {P, PH}, {63: 3}),
    ("người lớn tuổi", {A, PH, L}, {69: 3}),
]

AREA_CODES = {
    "hc": "hanh_chinh",
    "sxkd": "san_xuat_kinh_doanh",
    "sn": "su_nghiep",
    "lltv": "luc_luong_vu_trang",
    "dttg": "dan_toc_ton_giao",
}
